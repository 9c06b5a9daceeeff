package megaco_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/megaco/megacotest"
	"github.com/megaco/megaco/transport/udp"
)

// TestLossyNetwork sends 10,000 requests from 8 callers over pion's vnet
// dropping a seeded 20 % of the datagrams both ways: every request
// completes, every handler runs exactly once per transaction, and nothing
// is left running.
func TestLossyNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 requests")
	}
	synctest.Test(t, func(t *testing.T) {
		vn := megacotest.NewVNet(t, megacotest.VNetConfig{Loss: 0.2, Seed: 1, Delay: time.Millisecond}, "10.0.0.1", "10.0.0.2")

		// Resends every second, twenty times; replies kept beyond that.
		cfg := engine.DefaultConfig()
		cfg.RequestTimer = engine.Timer{WaitFor: time.Second, Factor: 1, MaxRetries: 20}
		cfg.ReplyTimer = 30 * time.Second
		st := megaco.NewStack()
		mgH := &megacotest.Recorder{}
		mgc, err := st.StartUser(mgcMID, megaco.UserConfig{Config: cfg, Encoding: codec.Compact, Handler: &mgcHandler{}})
		if err != nil {
			t.Fatal(err)
		}
		mg, err := st.StartUser(mgMID, megaco.UserConfig{Config: cfg, Encoding: codec.Compact, Handler: mgH})
		if err != nil {
			t.Fatal(err)
		}
		mgcTr, err := udp.Listen(vn.Net("10.0.0.1"), "10.0.0.1:2944", mgc)
		if err != nil {
			t.Fatal(err)
		}
		mgTr, err := udp.Listen(vn.Net("10.0.0.2"), "10.0.0.2:2944", mg)
		if err != nil {
			t.Fatal(err)
		}
		to, _ := mgTr.Resolve("10.0.0.1:2944")
		mgConn, err := mg.Connect(h248.MID{}, mgTr, to)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mgConn.Call(context.Background(), serviceChange(0)); err != nil {
			t.Fatal(err)
		}
		conn := mgc.Conns()[0]

		const callers, each = 8, 1250
		var wg sync.WaitGroup
		errs := make(chan error, callers*each)
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					if _, err := conn.Call(context.Background(), notify()); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("request failed: %v", err)
		}
		runs := mgH.Runs()
		if len(runs) != callers*each {
			t.Errorf("the MG handled %d transactions, want %d", len(runs), callers*each)
		}
		for id, n := range runs {
			if n != 1 {
				t.Errorf("transaction %d handled %d times", id, n)
			}
		}
		dropped, passed := vn.Counts()
		t.Logf("%d datagrams dropped, %d passed", dropped, passed)
		if dropped < (dropped+passed)/6 {
			t.Errorf("only %d of %d datagrams dropped", dropped, dropped+passed)
		}
		st.Close()
		mgcTr.Close()
		mgTr.Close()
	})
}
