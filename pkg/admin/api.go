package admin

import (
	"github.com/megaco/megaco/pkg/config"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
)

// The JSON of the API. MIDs are written in their text form
// ([10.0.0.1]:2944, <mg.example.net>); settings are maps of Erlang keys
// to values written as in the configuration file (7s,
// wait_for=7s,factor=2,incr=0s,max_retries=2, infinity).

// UserStatus is a user (Erlang's user_info).
type UserStatus struct {
	MID         string            `json:"mid"`
	Transport   string            `json:"transport"`
	Listen      string            `json:"listen"`
	Connections int               `json:"connections"`
	Config      map[string]string `json:"config"`
}

// ConnStatus is a connection (Erlang's conn_info).
type ConnStatus struct {
	User         string            `json:"user"`
	Remote       string            `json:"remote"`
	Peer         string            `json:"peer"`
	Encoding     string            `json:"encoding"`
	Disconnected bool              `json:"disconnected"`
	Tracing      bool              `json:"tracing"`
	Outstanding  int               `json:"outstanding"`
	Answering    int               `json:"answering"`
	Config       map[string]string `json:"config"`
}

// SystemStatus is the daemon's state (Erlang's system_info).
type SystemStatus struct {
	Version       string   `json:"version"`
	Users         []string `json:"users"`
	Connections   int      `json:"connections"`
	Received      uint64   `json:"received"`
	DecodeErrors  uint64   `json:"decodeErrors"`
	Refused       uint64   `json:"refused"`
	VersionErrors uint64   `json:"versionErrors"`
	MGs           int      `json:"mgs"`
	Legs          int      `json:"legs"`
}

// MGStatus is an MG as the MGC layer sees it.
type MGStatus struct {
	MID      string `json:"mid"`
	State    string `json:"state"`
	Graceful bool   `json:"graceful"`
	Legs     int    `json:"legs"`
	Mixers   int    `json:"mixers"`
	Resyncs  int    `json:"resyncs"`
}

// LegStatus is a call leg; Peer is the leg it is linked with, Mixer the
// context of the mixer it joins.
type LegStatus struct {
	Call        string `json:"call"`
	MG          string `json:"mg"`
	Termination string `json:"termination"`
	Context     string `json:"context"`
	State       string `json:"state"`
	Peer        string `json:"peer,omitempty"`
	Mixer       string `json:"mixer,omitempty"`
}

// MixerStatus is a conference context.
type MixerStatus struct {
	MG      string   `json:"mg"`
	Context string   `json:"context"`
	Port    string   `json:"port,omitempty"`
	Legs    []string `json:"legs"`
}

// VersionInfo is the daemon's version.
type VersionInfo struct {
	Version string `json:"version"`
	Go      string `json:"go"`
}

// ErrorBody is the body of every error answer.
type ErrorBody struct {
	Error string `json:"error"`
	// Problems lists what is wrong with an update, key by key.
	Problems []config.Problem `json:"problems,omitempty"`
}

// ConnectRequest asks a user to connect to a peer (Erlang's connect).
type ConnectRequest struct {
	// User is the local user's MID; it may be left out when there is one.
	User string `json:"user,omitempty"`
	// Remote is the peer's MID; empty is the preliminary MID.
	Remote string `json:"remote,omitempty"`
	// Address is the peer's host:port.
	Address string `json:"address"`
}

// TraceRequest turns the trace of a connection on or off.
type TraceRequest struct {
	On bool `json:"on"`
}

func midText(m h248.MID) string {
	if m == (h248.MID{}) {
		return ""
	}
	return m.String()
}

// userStatus describes a user: where it listens from spec, its settings
// from the live info.
func userStatus(info megaco.UserInfo, spec config.User, listen string) UserStatus {
	spec.MID, spec.Encoding, spec.Config = info.MID, info.Config.Encoding, info.Config.Config
	return UserStatus{MID: midText(info.MID), Transport: spec.Transport, Listen: listen, Connections: len(info.Connections), Config: config.Map(&spec)}
}

func connStatus(ci megaco.ConnInfo) ConnStatus {
	return ConnStatus{User: midText(ci.LocalMID), Remote: midText(ci.RemoteMID), Peer: ci.Peer, Encoding: ci.Encoding.String(),
		Disconnected: ci.Disconnected, Tracing: ci.Tracing, Outstanding: ci.Outstanding, Answering: ci.Answering,
		Config: config.Map(&ci.Config)}
}

func mgStatus(m mgc.MGInfo) MGStatus {
	return MGStatus{MID: midText(m.MID), State: m.State.String(), Graceful: m.Graceful, Legs: m.Legs, Mixers: m.Mixers, Resyncs: m.Resyncs}
}

func legStatus(l mgc.LegInfo) LegStatus {
	s := LegStatus{Call: l.Call, MG: midText(l.ID.MG), Termination: string(l.ID.Termination), Context: l.Context.String(), State: l.State.String()}
	if l.Peer != nil {
		s.Peer = l.Peer.String()
	}
	if l.Mixer != nil {
		s.Mixer = l.Mixer.Context.String()
	}
	return s
}

func mixerStatus(m mgc.MixerInfo) MixerStatus {
	s := MixerStatus{MG: midText(m.ID.MG), Context: m.ID.Context.String(), Port: string(m.Port), Legs: []string{}}
	for _, l := range m.Legs {
		s.Legs = append(s.Legs, string(l.Termination))
	}
	return s
}
