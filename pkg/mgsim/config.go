package mgsim

import (
	"errors"
	"fmt"
	"time"

	"github.com/megaco/megaco/pkg/h248"
)

// Defaults of Config.
const (
	DefaultTrunks          = 4
	DefaultTimeslots       = 31
	DefaultRTPPool         = 1024
	DefaultMixerPool       = 16
	DefaultLocalIP         = "127.0.0.1"
	DefaultRTPPortBase     = 40000
	DefaultMaxContexts     = 65535
	DefaultMaxTermsPerCtx  = 64
	DefaultMaxAuditReplies = 128
	DefaultErrorCode       = h248.CodeInternalGatewayError
	DefaultRetryDelay      = 5 * time.Second
	DefaultOutageReason    = "908"
	DefaultMaxRedirects    = 4
)

// Config describes a simulated gateway: its terminations, the knobs that
// make it misbehave on purpose, and how it reaches its MGCs. The zero
// value of each field means the default its comment names; a negative
// count means none.
type Config struct {
	// Trunks × Timeslots are the provisioned TDM terminations
	// tdm/<trunk>/<timeslot>, numbered from 1 (4 × 31; negative: none).
	Trunks    int `json:"trunks" yaml:"trunks"`
	Timeslots int `json:"timeslots" yaml:"timeslots"`
	// RTPPool is how many RTP terminations rtp/<n> (n from 1) "rtp/$" can
	// allocate (1024; negative: none).
	RTPPool int `json:"rtp_pool" yaml:"rtp_pool"`
	// MixerPool is how many conference ports mix/<n> "mix/$" can allocate
	// (16; negative: none).
	MixerPool int `json:"mixer_pool" yaml:"mixer_pool"`
	// AcceptAny accepts every termination name besides the provisioned
	// ones, created by Add and gone at Subtract, and "<prefix>/$" for any
	// prefix: for interop with MGCs that name terminations their own way
	// (false).
	AcceptAny bool `json:"accept_any" yaml:"accept_any"`
	// LocalIP is the address in the Local SDP of RTP and mixer
	// terminations (127.0.0.1).
	LocalIP string `json:"local_ip" yaml:"local_ip"`
	// RTPPortBase is the media port of rtp/1; rtp/<n> uses base+2(n-1),
	// mix/<n> follows the RTP pool (40000).
	RTPPortBase int `json:"rtp_port_base" yaml:"rtp_port_base"`
	// MaxContexts bounds the contexts (root/maxNumberOfContexts, 65535);
	// beyond it Add to $ fails with 412.
	MaxContexts int `json:"max_contexts" yaml:"max_contexts"`
	// MaxTermsPerContext bounds the terminations of a context
	// (root/maxTerminationsPerContext, 64); beyond it Add fails with 434.
	MaxTermsPerContext int `json:"max_terms_per_context" yaml:"max_terms_per_context"`
	// RootPackages, when set, are the packages an audit of ROOT lists
	// instead of all it realizes: an MGC whose binary name resolver lacks
	// one (Erlang/OTP's lacks H.248.14's it) may be spared it.
	RootPackages []string `json:"root_packages" yaml:"root_packages"`
	// MaxAuditReplies bounds the terminations one AuditValue or
	// AuditCapabilities may return with descriptors (128), and 16 times
	// that with their ids only (Audit{}, or the context list of
	// Context=*{AuditValue=ROOT}); a larger audit fails with 533 and the
	// MGC audits a narrower wildcard.
	MaxAuditReplies int `json:"max_audit_replies" yaml:"max_audit_replies"`

	// Delay is waited before each answer (0).
	Delay time.Duration `json:"delay" yaml:"delay"`
	// Pending answers every request with TransactionPending first (false).
	Pending bool `json:"pending" yaml:"pending"`
	// ErrorRate is the share of requests answered with ErrorCode instead
	// of being executed (0).
	ErrorRate float64 `json:"error_rate" yaml:"error_rate"`
	// ErrorCode is the injected error (500).
	ErrorCode h248.ErrorCode `json:"error_code" yaml:"error_code"`
	// Loss is the share of messages dropped, each way (0).
	Loss float64 `json:"loss" yaml:"loss"`
	// Seed seeds the random choices of ErrorRate and Loss (0 is a seed
	// too: runs repeat).
	Seed uint64 `json:"seed" yaml:"seed"`

	// MGCs are the MGC addresses ("host:port") in failover order: the MG
	// registers with the first that answers (RFC 3525 §11.5).
	MGCs []string `json:"mgcs" yaml:"mgcs"`
	// Version is the protocol version offered in ServiceChange (1).
	Version int `json:"version" yaml:"version"`
	// RetryDelay is the pause after every MGC of the list failed, before
	// trying them again (5 s).
	RetryDelay time.Duration `json:"retry_delay" yaml:"retry_delay"`
	// OutageReason is the ServiceChangeReason of the Disconnected
	// ServiceChange sent when an outage ends ("908").
	OutageReason string `json:"outage_reason" yaml:"outage_reason"`
	// InactivityUnit is the unit of the it/ito parameter mit (1 ms).
	InactivityUnit time.Duration `json:"inactivity_unit" yaml:"inactivity_unit"`
	// MaxRedirects bounds how many ServiceChangeMgcId redirections one
	// registration follows (4).
	MaxRedirects int `json:"max_redirects" yaml:"max_redirects"`
}

// count resolves a count field: 0 is def, negative is none.
func count(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// withDefaults returns c with the defaults filled in and the counts
// resolved (none is 0).
func (c Config) withDefaults() Config {
	c.Trunks = count(c.Trunks, DefaultTrunks)
	c.Timeslots = count(c.Timeslots, DefaultTimeslots)
	c.RTPPool = count(c.RTPPool, DefaultRTPPool)
	c.MixerPool = count(c.MixerPool, DefaultMixerPool)
	if c.LocalIP == "" {
		c.LocalIP = DefaultLocalIP
	}
	if c.RTPPortBase <= 0 {
		c.RTPPortBase = DefaultRTPPortBase
	}
	if c.MaxContexts <= 0 {
		c.MaxContexts = DefaultMaxContexts
	}
	if c.MaxTermsPerContext <= 0 {
		c.MaxTermsPerContext = DefaultMaxTermsPerCtx
	}
	if c.MaxAuditReplies <= 0 {
		c.MaxAuditReplies = DefaultMaxAuditReplies
	}
	if c.ErrorCode == 0 {
		c.ErrorCode = DefaultErrorCode
	}
	if c.Version == 0 {
		c.Version = 1
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = DefaultRetryDelay
	}
	if c.OutageReason == "" {
		c.OutageReason = DefaultOutageReason
	}
	if c.InactivityUnit <= 0 {
		c.InactivityUnit = time.Millisecond
	}
	if c.MaxRedirects <= 0 {
		c.MaxRedirects = DefaultMaxRedirects
	}
	return c
}

// Validate reports the first impossible value.
func (c Config) Validate() error {
	var errs []error
	if c.ErrorRate < 0 || c.ErrorRate > 1 {
		errs = append(errs, fmt.Errorf("error_rate %v is not between 0 and 1", c.ErrorRate))
	}
	if c.Loss < 0 || c.Loss > 1 {
		errs = append(errs, fmt.Errorf("loss %v is not between 0 and 1", c.Loss))
	}
	if c.Version < 0 || c.Version > 3 {
		errs = append(errs, fmt.Errorf("version %d: want 1, 2 or 3", c.Version))
	}
	if c.Delay < 0 {
		errs = append(errs, errors.New("delay must not be negative"))
	}
	if c.ErrorCode != 0 && (c.ErrorCode < 400 || c.ErrorCode > 999) {
		errs = append(errs, fmt.Errorf("error_code %d is not an H.248 error code", c.ErrorCode))
	}
	return errors.Join(errs...)
}
