package h248_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/megaco/megaco/pkg/h248"
)

func TestMarshalJSON(t *testing.T) {
	b, err := h248.MarshalJSON(sample())
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b)
	}
	for _, want := range []string{
		`"version":1`, `"mid":{"kind":"ip4","addr":"10.0.0.1","port":2944}`,
		`"transactions":[{"request":{"id":7`, `"contextId":"$"`, `"command":{"amm":{"verb":"Add"`,
		`"terminationIds":["rtp/$"]`, `{"media":{"stream":{"localControl":{"mode":"sendRecv"`,
		`"sdp":"v=0\nc=IN IP4 $"`, `"notifyCompletion":["timeOut","otherReason"]`,
		`{"audit":{"tokens":["Media","Events"]}}`, `"requestId":1`,
		`"value":{"form":"single","values":[{"text":"State","quoted":true}]}`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s\n%s", want, b)
		}
	}
	if strings.Contains(string(b), `"optional"`) || strings.Contains(string(b), `"delay"`) {
		t.Errorf("absent fields are written:\n%s", b)
	}
}
