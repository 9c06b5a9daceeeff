package h248

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"
)

// Equal reports whether two messages are the same H.248 message. Names
// (termination ids, package, event and parameter names, MIDs, unquoted
// values) compare case-insensitively; quoted values, error texts, SDP and
// digit-map bodies compare exactly. Nil and empty lists are equal; lists
// that are sets in H.248 (audit tokens, notify-completion reasons) compare
// without regard to order; every other list keeps its order.
func Equal(a, b *Message) bool { return Diff(a, b) == "" }

// Diff returns "" when a and b are equal by the rules of Equal, and
// otherwise the path of the first difference with both values. a and b
// can be any two values of the same model type.
func Diff(a, b any) string {
	var d differ
	d.walk("", reflect.ValueOf(a), reflect.ValueOf(b), "")
	return d.diff
}

type differ struct{ diff string }

// optional is implemented by every Opt[T].
type optional interface {
	equalAny(any) bool
	isSet() bool
}

func (o Opt[T]) equalAny(p any) bool { return o.equalOpt(p.(Opt[T])) }
func (o Opt[T]) isSet() bool         { return o.Set }

var (
	addrType  = reflect.TypeOf(netip.Addr{})
	valueType = reflect.TypeOf(Value{})
	optType   = reflect.TypeOf((*optional)(nil)).Elem()
)

func (d *differ) fail(path string, a, b reflect.Value) {
	if d.diff == "" {
		d.diff = fmt.Sprintf("%s: %s != %s", strings.TrimPrefix(path, "."), show(a), show(b))
	}
}

func show(v reflect.Value) string {
	if !v.IsValid() {
		return "<nil>"
	}
	if v.Kind() == reflect.String {
		return fmt.Sprintf("%q", v.String())
	}
	return fmt.Sprintf("%v", v.Interface())
}

func (d *differ) walk(path string, a, b reflect.Value, tag string) {
	if d.diff != "" {
		return
	}
	if !a.IsValid() || !b.IsValid() {
		if a.IsValid() != b.IsValid() {
			d.fail(path, a, b)
		}
		return
	}
	if a.Type() != b.Type() {
		d.fail(path, a, b)
		return
	}
	t := a.Type()
	switch {
	case t == addrType:
		if a.Interface().(netip.Addr) != b.Interface().(netip.Addr) {
			d.fail(path, a, b)
		}
		return
	case t == valueType:
		if !a.Interface().(Value).equalValue(b.Interface().(Value)) {
			d.fail(path, a, b)
		}
		return
	case t.Implements(optType) && t.Kind() == reflect.Struct:
		if !a.Interface().(optional).equalAny(b.Interface()) {
			d.fail(path, a, b)
		}
		return
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				d.fail(path, a, b)
			}
			return
		}
		p := path
		if a.Kind() == reflect.Interface {
			if a.Elem().Type() != b.Elem().Type() {
				d.fail(path, a.Elem(), b.Elem())
				return
			}
			p = fmt.Sprintf("%s.(%s)", path, a.Elem().Type())
		}
		d.walk(p, a.Elem(), b.Elem(), tag)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			d.walk(path+"."+f.Name, a.Field(i), b.Field(i), f.Tag.Get("eq"))
		}
	case reflect.Slice:
		if a.Len() != b.Len() {
			d.fail(path+".len", reflect.ValueOf(a.Len()), reflect.ValueOf(b.Len()))
			return
		}
		if tag == "set" {
			d.walkSet(path, a, b)
			return
		}
		for i := 0; i < a.Len(); i++ {
			d.walk(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i), tag)
		}
	case reflect.String:
		if tag == "exact" {
			if a.String() != b.String() {
				d.fail(path, a, b)
			}
		} else if !strings.EqualFold(a.String(), b.String()) {
			d.fail(path, a, b)
		}
	default:
		if !a.Equal(b) {
			d.fail(path, a, b)
		}
	}
}

// walkSet compares two equally long slices of comparable values as
// multisets.
func (d *differ) walkSet(path string, a, b reflect.Value) {
	count := map[any]int{}
	for i := 0; i < a.Len(); i++ {
		count[a.Index(i).Interface()]++
	}
	for i := 0; i < b.Len(); i++ {
		k := b.Index(i).Interface()
		if count[k] == 0 {
			d.fail(path, a, b)
			return
		}
		count[k]--
	}
}
