package h248

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// MarshalJSON returns the JSON form of a message (or of any model value):
// objects with the field names of the json tags, enums by name, absent
// optional values left out, and every value of an interface type (a
// transaction, command, reply, descriptor or audit item) as an object with
// one key naming its type, e.g. {"request": {...}}. The names are stable.
func MarshalJSON(v any) ([]byte, error) {
	var w jsonWriter
	if err := w.value(reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	return w.b, nil
}

// typeKeys names the concrete types behind the model's interfaces.
var typeKeys = map[reflect.Type]string{}

func init() {
	for v, k := range map[any]string{
		&TransactionRequest{}: "request", &TransactionPending{}: "pending", &TransactionReply{}: "reply",
		&TransactionResponseAck{}: "responseAck", &SegmentReply{}: "segmentReply",
		&AmmRequest{}: "amm", &SubtractRequest{}: "subtract", &AuditRequest{}: "audit", &NotifyRequest{}: "notify",
		&ServiceChangeRequest{}: "serviceChange", &AmmsReply{}: "amms", &AuditReply{}: "audit",
		&NotifyReply{}: "notify", &ServiceChangeReply{}: "serviceChange",
		&MediaDescriptor{}: "media", &ModemDescriptor{}: "modem", &MuxDescriptor{}: "mux", &EventsDescriptor{}: "events",
		&EventBufferDescriptor{}: "eventBuffer", &SignalsDescriptor{}: "signals", &DigitMapDescriptor{}: "digitMap",
		&AuditDescriptor{}: "audit", &StatisticsDescriptor{}: "statistics", &ObservedEventsDescriptor{}: "observedEvents",
		&PackagesDescriptor{}: "packages", &ErrorDescriptor{}: "error",
		&IndAudMediaDescriptor{}: "media", &IndAudEventsDescriptor{}: "events", &IndAudEventBufferDescriptor{}: "eventBuffer",
		&IndAudSignalsDescriptor{}: "signals", &IndAudDigitMapDescriptor{}: "digitMap",
		&IndAudStatisticsDescriptor{}: "statistics", &IndAudPackagesDescriptor{}: "packages",
	} {
		typeKeys[reflect.TypeOf(v)] = k
	}
}

type jsonWriter struct{ b []byte }

var textMarshalerType = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()

func (w *jsonWriter) value(v reflect.Value) error {
	if !v.IsValid() {
		w.b = append(w.b, "null"...)
		return nil
	}
	t := v.Type()
	if o, ok := v.Interface().(optional); ok && t.Kind() == reflect.Struct {
		if !o.isSet() {
			w.b = append(w.b, "null"...)
			return nil
		}
		return w.value(v.Field(0))
	}
	if t.Implements(textMarshalerType) {
		s, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return err
		}
		return w.raw(string(s))
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			w.b = append(w.b, "null"...)
			return nil
		}
		e := v.Elem()
		key, ok := typeKeys[e.Type()]
		if !ok {
			return fmt.Errorf("h248: no JSON name for %v", e.Type())
		}
		w.b = append(w.b, `{"`...)
		w.b = append(w.b, key...)
		w.b = append(w.b, `":`...)
		if err := w.value(e); err != nil {
			return err
		}
		w.b = append(w.b, '}')
	case reflect.Pointer:
		if v.IsNil() {
			w.b = append(w.b, "null"...)
			return nil
		}
		return w.value(v.Elem())
	case reflect.Struct:
		w.b = append(w.b, '{')
		n := 0
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			fv := v.Field(i)
			if opts != "" && omit(fv) {
				continue
			}
			if n > 0 {
				w.b = append(w.b, ',')
			}
			n++
			w.b = append(w.b, '"')
			w.b = append(w.b, name...)
			w.b = append(w.b, `":`...)
			if err := w.value(fv); err != nil {
				return err
			}
		}
		w.b = append(w.b, '}')
	case reflect.Slice:
		if t.Elem() == reflect.TypeOf(byte(0)) {
			return w.raw(fmt.Sprintf("%X", v.Bytes()))
		}
		w.b = append(w.b, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			if err := w.value(v.Index(i)); err != nil {
				return err
			}
		}
		w.b = append(w.b, ']')
	case reflect.String:
		return w.raw(v.String())
	default:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return err
		}
		w.b = append(w.b, b...)
	}
	return nil
}

// raw writes a JSON string.
func (w *jsonWriter) raw(s string) error {
	b, err := json.Marshal(s)
	w.b = append(w.b, b...)
	return err
}

// omit reports whether an omitempty/omitzero field is left out.
func omit(v reflect.Value) bool {
	if o, ok := v.Interface().(optional); ok && v.Kind() == reflect.Struct {
		return !o.isSet()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.String:
		return v.Len() == 0
	}
	return v.IsZero()
}

// MarshalText writes the text form of a ContextID ("-", "$", "*", "7").
func (c ContextID) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

func (k MIDKind) MarshalText() ([]byte, error)                { return []byte(k.String()), nil }
func (f ValueForm) MarshalText() ([]byte, error)              { return []byte(f.String()), nil }
func (s SelectLogic) MarshalText() ([]byte, error)            { return []byte(s.String()), nil }
func (d TopologyDirection) MarshalText() ([]byte, error)      { return []byte(d.String()), nil }
func (k CommandKind) MarshalText() ([]byte, error)            { return []byte(k.String()), nil }
func (k AuditReplyKind) MarshalText() ([]byte, error)         { return []byte(k.String()), nil }
func (m StreamMode) MarshalText() ([]byte, error)             { return []byte(m.String()), nil }
func (s ServiceState) MarshalText() ([]byte, error)           { return []byte(s.String()), nil }
func (e EventBufferControl) MarshalText() ([]byte, error)     { return []byte(e.String()), nil }
func (k NotifyBehaviourKind) MarshalText() ([]byte, error)    { return []byte(k.String()), nil }
func (t SignalType) MarshalText() ([]byte, error)             { return []byte(t.String()), nil }
func (r NotifyCompletionReason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }
func (d SignalDirection) MarshalText() ([]byte, error)        { return []byte(d.String()), nil }
func (t AuditToken) MarshalText() ([]byte, error)             { return []byte(t.String()), nil }
func (m ServiceChangeMethod) MarshalText() ([]byte, error)    { return []byte(m.String()), nil }
