package callstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The replicated state of a group holds two kinds of items:
//
//	call/<id>  an active call: its callRec as JSON
//	cdr/<id>   the outbox: the CDR of a finished call as JSON, put in the
//	           same change that deletes call/<id>, deleted once the CDR
//	           stream has acknowledged it
//
// Both carry a format version "v". A reader takes every version it knows,
// so that during a rolling upgrade new code reads what old code wrote; it
// refuses a newer one (ErrFormat) rather than misread it.
const (
	callPrefix = "call/"
	cdrPrefix  = "cdr/"

	recordVersion = 1
	cdrVersion    = 1
)

var (
	// ErrFormat is returned for a call record or CDR this code cannot
	// read: a format version it does not know, or damaged JSON.
	ErrFormat = errors.New("callstore: unreadable format")
	// errNewer: written by newer code, which an upgraded instance reads.
	errNewer = fmt.Errorf("%w: newer version", ErrFormat)
)

// checkVersion accepts the versions this code reads: those up to its own.
func checkVersion(what string, v, own int) error {
	switch {
	case v > own:
		return fmt.Errorf("%w: %s version %d", errNewer, what, v)
	case v < 1:
		return fmt.Errorf("%w: %s version %d", ErrFormat, what, v)
	}
	return nil
}

func callKey(id string) string { return callPrefix + id }
func cdrKey(id string) string  { return cdrPrefix + id }

func decodeRecord(data []byte) (*callRec, error) {
	var r callRec
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if err := checkVersion("call record", r.V, recordVersion); err != nil {
		return nil, err
	}
	return &r, nil
}

func decodeCDR(data []byte) (*CDR, error) {
	var c CDR
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if err := checkVersion("CDR", c.V, cdrVersion); err != nil {
		return nil, err
	}
	return &c, nil
}

// stateItems sorts a replicated state into call records and outbox CDRs,
// keyed by call id. Items it cannot read are returned as errors, one per
// item, and left out.
func stateItems(items map[string][]byte) (calls []*callRec, outbox map[string][]byte, errs []error) {
	outbox = map[string][]byte{}
	for k, v := range items {
		switch {
		case strings.HasPrefix(k, callPrefix):
			r, err := decodeRecord(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", k, err))
				continue
			}
			calls = append(calls, r)
		case strings.HasPrefix(k, cdrPrefix):
			outbox[strings.TrimPrefix(k, cdrPrefix)] = v
		}
	}
	return calls, outbox, errs
}
