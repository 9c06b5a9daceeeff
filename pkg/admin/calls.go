package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"

	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/mgc"
)

// CallControl places and releases calls through the MGC layer: what an
// operator or a test drives the daemon's calls with.
type CallControl interface {
	CreateLeg(ctx context.Context, mg h248.MID, t h248.TerminationID) (mgc.LegInfo, error)
	Alert(ctx context.Context, id mgc.LegID) error
	Answer(ctx context.Context, id mgc.LegID) error
	Link(ctx context.Context, a, b mgc.LegID) error
	Release(ctx context.Context, id mgc.LegID) error
}

// PlaceCallRequest is the body of POST /v1/calls: a two-party call from
// termination A on MG to termination B on PeerMG (default MG), linked,
// alerted at B and, unless Answer is false, answered.
type PlaceCallRequest struct {
	MG     string `json:"mg"`
	A      string `json:"a"`
	B      string `json:"b"`
	PeerMG string `json:"peer_mg,omitempty"`
	Answer *bool  `json:"answer,omitempty"`
}

// CallStatus is a call: its id and its legs.
type CallStatus struct {
	Call string      `json:"call"`
	Legs []LegStatus `json:"legs"`
}

var (
	errNoCallControl = errors.New("the daemon takes no call control")
	errNoReplication = errors.New("the daemon replicates nothing")
)

func (s *Server) callControl() (CallControl, error) {
	if s.o.Calls == nil {
		return nil, errNoCallControl
	}
	return s.o.Calls, nil
}

func (s *Server) placeCall(r *http.Request) (int, any, error) {
	cc, err := s.callControl()
	if err != nil {
		return 0, nil, err
	}
	var req PlaceCallRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return 0, nil, badRequest("body: %v", err)
	}
	if req.A == "" || req.B == "" {
		return 0, nil, badRequest("a and b: name both terminations (tdm/1/$, rtp/$)")
	}
	mg, err := mid(req.MG, "mg")
	if err != nil {
		return 0, nil, err
	}
	peer := mg
	if req.PeerMG != "" {
		if peer, err = mid(req.PeerMG, "peer_mg"); err != nil {
			return 0, nil, err
		}
	}
	ctx := r.Context()
	a, err := cc.CreateLeg(ctx, mg, h248.TerminationID(req.A))
	if err != nil {
		return 0, nil, err
	}
	var legs []mgc.LegID
	fail := func(err error) (int, any, error) {
		for _, l := range legs {
			_ = cc.Release(context.WithoutCancel(ctx), l)
		}
		return 0, nil, err
	}
	legs = append(legs, a.ID)
	b, err := cc.CreateLeg(ctx, peer, h248.TerminationID(req.B))
	if err != nil {
		return fail(err)
	}
	legs = append(legs, b.ID)
	if err := cc.Link(ctx, a.ID, b.ID); err != nil {
		return fail(err)
	}
	if err := cc.Alert(ctx, b.ID); err != nil {
		return fail(err)
	}
	if req.Answer == nil || *req.Answer {
		for _, l := range legs {
			if err := cc.Answer(ctx, l); err != nil {
				return fail(err)
			}
		}
	}
	return http.StatusCreated, s.call(a.Call), nil
}

// call returns the legs of one call as the MGC layer has them now.
func (s *Server) call(id string) CallStatus {
	cs := CallStatus{Call: id, Legs: []LegStatus{}}
	for _, l := range s.o.MGC.Legs(h248.MID{}) {
		if l.Call == id {
			cs.Legs = append(cs.Legs, legStatus(l))
		}
	}
	sort.Slice(cs.Legs, func(i, j int) bool {
		return cs.Legs[i].MG+cs.Legs[i].Termination < cs.Legs[j].MG+cs.Legs[j].Termination
	})
	return cs
}

func (s *Server) calls(r *http.Request) (int, any, error) {
	mg, err := s.mgFilter(r)
	if err != nil {
		return 0, nil, err
	}
	byID := map[string]*CallStatus{}
	for _, l := range s.o.MGC.Legs(mg) {
		cs := byID[l.Call]
		if cs == nil {
			cs = &CallStatus{Call: l.Call}
			byID[l.Call] = cs
		}
		cs.Legs = append(cs.Legs, legStatus(l))
	}
	out := []CallStatus{}
	for _, cs := range byID {
		sort.Slice(cs.Legs, func(i, j int) bool {
			return cs.Legs[i].MG+cs.Legs[i].Termination < cs.Legs[j].MG+cs.Legs[j].Termination
		})
		out = append(out, *cs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Call < out[j].Call })
	return http.StatusOK, out, nil
}

func (s *Server) releaseCall(r *http.Request) (int, any, error) {
	cc, err := s.callControl()
	if err != nil {
		return 0, nil, err
	}
	cs := s.call(r.PathValue("call"))
	if len(cs.Legs) == 0 {
		return 0, nil, statusError{http.StatusNotFound, errors.New("no such call")}
	}
	for _, l := range s.o.MGC.Legs(h248.MID{}) {
		if l.Call == cs.Call {
			if err := cc.Release(r.Context(), l.ID); err != nil {
				return 0, nil, err
			}
		}
	}
	return http.StatusOK, cs, nil
}

// ReplicationStatus is an instance's part in its group: active (serving
// the MGs) or standby (following the calls), and the calls and CDRs it
// holds.
type ReplicationStatus struct {
	Instance string `json:"instance"`
	Role     string `json:"role"`
	// Calls are the active calls of the call store: recorded on the
	// active instance, followed on a standby.
	Calls int `json:"calls"`
	// CDRs were emitted by this instance; CDRsStored stored in its
	// database.
	CDRs       uint64 `json:"cdrs"`
	CDRsStored uint64 `json:"cdrsStored"`
}

// ReplicationView reports the replication status.
type ReplicationView interface {
	Replication(ctx context.Context) (ReplicationStatus, error)
}

func (s *Server) replication(r *http.Request) (int, any, error) {
	if s.o.Replication == nil {
		return 0, nil, errNoReplication
	}
	rs, err := s.o.Replication.Replication(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rs, nil
}

// Replication reports the daemon's role in its group.
func (c *Client) Replication(ctx context.Context) (rs ReplicationStatus, err error) {
	err = c.Do(ctx, http.MethodGet, "/v1/replication", nil, &rs)
	return
}
