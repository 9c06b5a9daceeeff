package mgc

import (
	"context"
	"fmt"
	"strings"

	"github.com/megaco/megaco/pkg/h248"
)

// A too-large audit page is split by the next character of the
// termination ids, lower case (names are case-insensitive): a name starts
// with a letter and goes on with letters, digits, "/" and "_" (ABNF
// pathNAME).
const (
	firstChars = "abcdefghijklmnopqrstuvwxyz"
	nextChars  = firstChars + "0123456789/_"
)

// auditContexts learns every context of an MG with Context=* AuditValue
// of each page of termination ids, asking for Media (mode, Local,
// Remote). A page the MG answers with 533 (the reply would exceed its
// transport PDU) is split into narrower prefix wildcards; where v3
// segmentation is on, the MG segments instead and one page does.
func (c *Controller) auditContexts(ctx context.Context, mid h248.MID) ([]foundContext, error) {
	byID := map[h248.ContextID]*foundContext{}
	seen := map[string]bool{}
	var order []h248.ContextID
	pages := append([]string(nil), c.cfg.AuditPages...)
	for len(pages) > 0 {
		page := pages[0]
		pages = pages[1:]
		replies, err := c.call(ctx, mid, []h248.ActionRequest{{ContextID: h248.ContextAll, Commands: []h248.CommandRequest{{Command: &h248.AuditRequest{
			TerminationIDs: []h248.TerminationID{h248.TerminationID(page)},
			Audit:          h248.AuditDescriptor{Tokens: []h248.AuditToken{h248.AuditMedia}}}}}}})
		if err != nil {
			return nil, err
		}
		if tooLarge(replies) {
			if len(page) > 64 {
				return nil, fmt.Errorf("mgc: audit page %q still too large", page)
			}
			pages = append(splitPage(page), pages...)
			continue
		}
		for _, r := range replies {
			if r.Error != nil {
				switch r.Error.Code {
				case h248.CodeNoTerminationIDMatchedAWildcard, h248.CodeUnknownContextID, h248.CodeUnknownTerminationID:
					continue // nothing on this page
				}
				return nil, fmt.Errorf("mgc: audit of %s: error %d %s", page, r.Error.Code, r.Error.Text)
			}
			if r.ContextID == h248.ContextNull || r.ContextID == h248.ContextAll {
				continue
			}
			fc := byID[r.ContextID]
			if fc == nil {
				fc = &foundContext{id: r.ContextID}
				byID[r.ContextID] = fc
				order = append(order, r.ContextID)
			}
			for _, cr := range r.Commands {
				ar, ok := cr.(*h248.AuditReply)
				if !ok {
					continue
				}
				for _, t := range ar.TerminationIDs {
					// Pages do not overlap, but a page and an MG's
					// generous wildcard might.
					if k := strings.ToLower(string(t)); !seen[k] {
						seen[k] = true
						fc.terms = append(fc.terms, auditedTerm(t, ar.Audit))
					}
				}
			}
		}
	}
	out := make([]foundContext, 0, len(order))
	for _, id := range order {
		if len(byID[id].terms) > 0 {
			out = append(out, *byID[id])
		}
	}
	return out, nil
}

func tooLarge(replies []h248.ActionReply) bool {
	for _, r := range replies {
		if r.Error != nil && r.Error.Code == h248.CodeResponseExceedsMaximumTransportPDUSize {
			return true
		}
	}
	return false
}

// splitPage splits a prefix wildcard "p*" into the exact name "p" and
// "p<c>*" for every next character c: disjoint pages covering the same
// names.
func splitPage(page string) []string {
	base := strings.TrimSuffix(page, "*")
	var out []string
	if base != "" && !strings.HasSuffix(base, "/") {
		out = append(out, base)
	}
	chars := nextChars
	if base == "" {
		chars = firstChars
	}
	for _, ch := range chars {
		out = append(out, base+string(ch)+"*")
	}
	return out
}

// auditedTerm reads a termination's mode and SDP from its audit.
func auditedTerm(t h248.TerminationID, ds []h248.Descriptor) foundTerm {
	ft := foundTerm{id: t}
	for _, d := range ds {
		md, ok := d.(*h248.MediaDescriptor)
		if !ok {
			continue
		}
		sps := []*h248.StreamParms{md.Stream}
		for i := range md.Streams {
			sps = append(sps, &md.Streams[i].Parms)
		}
		for _, sp := range sps {
			if sp == nil {
				continue
			}
			if sp.LocalControl != nil && sp.LocalControl.Mode.Set && !ft.mode.Set {
				ft.mode = sp.LocalControl.Mode
			}
			if sp.Local != nil && ft.local == "" {
				ft.local = sp.Local.SDP
			}
			if sp.Remote != nil && ft.remote == "" {
				ft.remote = sp.Remote.SDP
			}
		}
	}
	return ft
}
