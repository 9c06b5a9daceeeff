package mgc

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// Mismatch is a termination where the controller's model and an MG
// disagree: in one and not the other, or in different contexts.
type Mismatch struct {
	Termination h248.TerminationID `json:"termination"`
	// Model and MG are the contexts each side has it in (ContextNull:
	// not there).
	Model h248.ContextID `json:"model"`
	MG    h248.ContextID `json:"mg"`
}

func (m Mismatch) String() string {
	return fmt.Sprintf("%s: model context %v, MG context %v", m.Termination, m.Model, m.MG)
}

// Diff compares the legs and mixer ports of a model with what an MG
// holds (termination → context) and returns the mismatches by
// termination.
func Diff(legs []LegInfo, mixers []MixerInfo, held map[h248.TerminationID]h248.ContextID) []Mismatch {
	model := map[string]h248.ContextID{}
	names := map[string]h248.TerminationID{}
	for _, l := range legs {
		k := strings.ToLower(string(l.ID.Termination))
		model[k], names[k] = l.Context, l.ID.Termination
	}
	for _, x := range mixers {
		if x.Port != "" {
			k := strings.ToLower(string(x.Port))
			model[k], names[k] = x.ID.Context, x.Port
		}
	}
	mg := map[string]h248.ContextID{}
	for t, cid := range held {
		k := strings.ToLower(string(t))
		mg[k] = cid
		if _, ok := names[k]; !ok {
			names[k] = t
		}
	}
	var out []Mismatch
	for k, t := range names {
		a, inModel := model[k]
		b, onMG := mg[k]
		if inModel && onMG && a == b {
			continue
		}
		if !inModel {
			a = h248.ContextNull
		}
		if !onMG {
			b = h248.ContextNull
		}
		out = append(out, Mismatch{Termination: t, Model: a, MG: b})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Termination < out[j].Termination })
	return out
}

// Verify audits an MG and compares what it holds with the model, changing
// nothing: the check that a resync left both sides equal.
func (c *Controller) Verify(ctx context.Context, mid h248.MID) ([]Mismatch, error) {
	found, err := c.auditContexts(ctx, mid)
	if err != nil {
		return nil, err
	}
	held := map[h248.TerminationID]h248.ContextID{}
	for _, fc := range found {
		for _, t := range fc.terms {
			held[t.id] = fc.id
		}
	}
	return Diff(c.Legs(mid), c.Mixers(mid), held), nil
}
