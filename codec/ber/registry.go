package ber

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// ValueType is the type a package gives a property, parameter or
// statistic value; it decides how RFC 3525 A.2 encodes the value inside
// its OCTET STRING.
type ValueType uint8

const (
	// TypeOctets is an octet string: the value's bytes as they are. It is
	// the type of every value the registry does not know.
	TypeOctets ValueType = iota
	// TypeString is a string: IA5String, or UTF8String when it holds
	// non-ASCII characters.
	TypeString
	// TypeInteger is an integer, unsigned integer or "double" (8-octet
	// integer): INTEGER.
	TypeInteger
	// TypeBoolean is a boolean: BOOLEAN, written in text with the
	// spellings True and False of the Param (default "on" and "off").
	TypeBoolean
	// TypeEnum is an enumeration: ENUMERATED, written in text by the names
	// in Enum.
	TypeEnum
	// TypeSignalName is a signal's pkgdName (g/sc SigID): in text
	// "cg/rt", in binary its four-octet PkgdName as an OCTET STRING.
	TypeSignalName
)

var valueTypeNames = [...]string{"octets", "string", "integer", "boolean", "enum", "signal name"}

func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return "ValueType(" + strconv.Itoa(int(t)) + ")"
}

// EnumValue is one value of an enumeration.
type EnumValue struct {
	Name  string
	Value uint32
}

// Param is a named value with a binary id and a type: an event or signal
// parameter, or (inside Item) a property or statistic.
type Param struct {
	Name string
	ID   uint16
	Type ValueType
	// Enum lists the values of a TypeEnum.
	Enum []EnumValue
	// True and False spell a TypeBoolean in text; empty means "on" and
	// "off".
	True, False string
}

// Item is a property, event, signal or statistic of a package. Events and
// signals have parameters; properties and statistics have a value type.
type Item struct {
	Param
	Params []Param
}

// Package is one H.248 package: its name and binary id, what it extends,
// and its items by kind.
type Package struct {
	Name    string
	ID      uint16
	Version uint16
	// Extends names the package this one extends; its items belong to this
	// package too, under this package's id.
	Extends    string
	Properties []Item
	Events     []Item
	Signals    []Item
	Statistics []Item
}

// itemKind selects one of a package's item lists.
type itemKind uint8

const (
	kindProperty itemKind = iota
	kindEvent
	kindSignal
	kindStatistic
	numKinds
)

var itemKindNames = [...]string{"property", "event", "signal", "statistic"}

func (k itemKind) String() string { return itemKindNames[k] }

// Registry maps the text names of packages and their items to binary ids
// and value types, and back. It is immutable once built and safe for
// concurrent use.
type Registry struct {
	byName map[string]*pkgEntry // lower-case name
	byID   map[uint16]*pkgEntry
	// low indexes the packages with ids below 256 for decoding.
	low [256]*pkgEntry
}

// pkg returns the package with the given id, or nil.
func (r *Registry) pkg(id uint16) *pkgEntry {
	if id < uint16(len(r.low)) {
		return r.low[id]
	}
	return r.byID[id]
}

type pkgEntry struct {
	name string
	id   uint16
	// kinds holds the items of each kind, inherited ones included.
	kinds [numKinds]itemIndex
}

type itemIndex struct {
	byName map[string]*itemEntry // lower-case item name
	byID   map[uint16]*itemEntry
	low    []*itemEntry // byID for ids below 256
}

// get returns the item with the given id, or nil.
func (x *itemIndex) get(id uint16) *itemEntry {
	if int(id) < len(x.low) {
		return x.low[id]
	}
	return x.byID[id]
}

type itemEntry struct {
	*Item
	full string // "pkg/item", the name decoders return
	// params indexes the event or signal parameters.
	byName map[string]*Param
	byID   map[uint16]*Param
}

// param returns the parameter with the given id, or nil.
func (e *itemEntry) paramByID(id uint16) *Param {
	for i := range e.Params {
		if e.Params[i].ID == id {
			return &e.Params[i]
		}
	}
	return nil
}

// NewRegistry builds a registry from packages. Names compare
// case-insensitively. A package may extend one listed before or after it.
func NewRegistry(pkgs ...Package) (*Registry, error) {
	r := &Registry{byName: map[string]*pkgEntry{}, byID: map[uint16]*pkgEntry{}}
	byName := map[string]*Package{}
	for i := range pkgs {
		p := &pkgs[i]
		key := strings.ToLower(p.Name)
		if !validName(p.Name) {
			return nil, fmt.Errorf("ber: package name %q is not a NAME", p.Name)
		}
		if p.ID == 0xFFFF {
			return nil, fmt.Errorf("ber: package %q: id 0xFFFF is the wildcard", p.Name)
		}
		if byName[key] != nil {
			return nil, fmt.Errorf("ber: package %q listed twice", p.Name)
		}
		if q := r.byID[p.ID]; q != nil {
			return nil, fmt.Errorf("ber: packages %q and %q share id 0x%04x", q.name, p.Name, p.ID)
		}
		byName[key] = p
		e := &pkgEntry{name: p.Name, id: p.ID}
		r.byName[key] = e
		r.byID[p.ID] = e
		if p.ID < uint16(len(r.low)) {
			r.low[p.ID] = e
		}
	}
	for i := range pkgs {
		p := &pkgs[i]
		e := r.byName[strings.ToLower(p.Name)]
		// The chain of packages p extends, p first.
		var chain []*Package
		for q := p; q != nil; {
			for _, c := range chain {
				if c == q {
					return nil, fmt.Errorf("ber: package %q extends itself", p.Name)
				}
			}
			chain = append(chain, q)
			if q.Extends == "" {
				break
			}
			next := byName[strings.ToLower(q.Extends)]
			if next == nil {
				return nil, fmt.Errorf("ber: package %q extends %q, which is not listed", q.Name, q.Extends)
			}
			q = next
		}
		for k := itemKind(0); k < numKinds; k++ {
			idx := itemIndex{byName: map[string]*itemEntry{}, byID: map[uint16]*itemEntry{}}
			for _, q := range chain {
				for j := range q.items(k) {
					it := &q.items(k)[j]
					if err := idx.add(p.Name, k, it); err != nil {
						return nil, err
					}
				}
			}
			for id, it := range idx.byID {
				if id < 256 {
					if int(id) >= len(idx.low) {
						idx.low = append(idx.low, make([]*itemEntry, int(id)+1-len(idx.low))...)
					}
					idx.low[id] = it
				}
			}
			e.kinds[k] = idx
		}
	}
	return r, nil
}

func (p *Package) items(k itemKind) []Item {
	switch k {
	case kindProperty:
		return p.Properties
	case kindEvent:
		return p.Events
	case kindSignal:
		return p.Signals
	}
	return p.Statistics
}

// add indexes it under package pkg; an item of an extending package hides
// the one of the same name or id it redefines.
func (x *itemIndex) add(pkg string, k itemKind, it *Item) error {
	key := strings.ToLower(it.Name)
	if !validName(it.Name) {
		return fmt.Errorf("ber: package %q: %s name %q is not a NAME", pkg, k, it.Name)
	}
	if it.ID == 0xFFFF {
		return fmt.Errorf("ber: package %q: %s %q: id 0xFFFF is the wildcard", pkg, k, it.Name)
	}
	if x.byName[key] != nil || x.byID[it.ID] != nil {
		return nil // defined by the extending package already
	}
	e := &itemEntry{Item: it, byName: map[string]*Param{}, byID: map[uint16]*Param{}}
	if pkg == "" {
		e.full = it.Name
	} else {
		e.full = pkg + "/" + it.Name
	}
	for i := range it.Params {
		pp := &it.Params[i]
		pk := strings.ToLower(pp.Name)
		if !validName(pp.Name) {
			return fmt.Errorf("ber: %s %s: parameter name %q is not a NAME", k, e.full, pp.Name)
		}
		if e.byName[pk] != nil || e.byID[pp.ID] != nil {
			return fmt.Errorf("ber: %s %s: parameter %q or its id 0x%04x listed twice", k, e.full, pp.Name, pp.ID)
		}
		e.byName[pk] = pp
		e.byID[pp.ID] = pp
	}
	x.byName[key] = e
	x.byID[it.ID] = e
	return nil
}

// validName reports whether s is a NAME (ALPHA *63(ALPHA / DIGIT / "_")),
// or empty, the name of the native pseudo-package of Annex C.
func validName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_'):
		default:
			return false
		}
	}
	return true
}

// lower returns s in lower case, in buf when it fits, for map lookups
// that do not allocate.
func lower(buf *[64]byte, s string) []byte {
	if len(s) > len(buf) {
		return []byte(strings.ToLower(s))
	}
	b := buf[:len(s)]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b
}

// pkgByName finds a package by its text name.
func (r *Registry) pkgByName(name string) *pkgEntry {
	var buf [64]byte
	return r.byName[string(lower(&buf, name))]
}

// itemByName finds an item of a package by its text name.
func (e *pkgEntry) itemByName(k itemKind, name string) *itemEntry {
	var buf [64]byte
	return e.kinds[k].byName[string(lower(&buf, name))]
}

// param finds a parameter of an event or signal by its text name.
func (e *itemEntry) param(name string) *Param {
	var buf [64]byte
	return e.byName[string(lower(&buf, name))]
}

// Errors for names without a binary id; encoding wraps them in
// ErrNoBinaryForm.
var errUnknownName = errors.New("not in the package registry")

// hexName reports whether s is the registry's fallback form of an id it
// does not know, "x" and four hex digits (x00fe), and returns the id.
func hexName(s string) (uint16, bool) {
	if len(s) != 5 || (s[0] != 'x' && s[0] != 'X') {
		return 0, false
	}
	var v uint16
	for i := 1; i < 5; i++ {
		d, ok := hexDigit(s[i])
		if !ok {
			return 0, false
		}
		v = v<<4 | uint16(d)
	}
	return v, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

const lowerHex = "0123456789abcdef"

// appendHexName appends the fallback name of an unknown id: x00fe.
func appendHexName(b []byte, id uint16) []byte {
	return append(b, 'x', lowerHex[id>>12], lowerHex[id>>8&15], lowerHex[id>>4&15], lowerHex[id&15])
}

// encodePkgdName returns the four octets of a PkgdName ("al/of", "al/*",
// "*/*", or the fallback "x0009/x0004") of the given kind and the item's
// entry if the registry knows it.
func (r *Registry) encodePkgdName(k itemKind, name string) (pkg, item uint16, it *itemEntry, err error) {
	slash := strings.IndexByte(name, '/')
	if slash < 0 {
		// A bare name is an item of the native pseudo-package (Annex C).
		return r.encodeItem(r.pkg(0), 0, k, name, name)
	}
	pn, in := name[:slash], name[slash+1:]
	if pn == "*" {
		if in != "*" {
			return 0, 0, nil, fmt.Errorf("%s name %q: a wildcarded package needs a wildcarded item", k, name)
		}
		return 0xFFFF, 0xFFFF, nil, nil
	}
	e := r.pkgByName(pn)
	if e != nil {
		pkg = e.id
	} else if id, ok := hexName(pn); ok {
		pkg = id
		e = r.pkg(id)
	} else {
		return 0, 0, nil, fmt.Errorf("%s %q: package %q is %w", k, name, pn, errUnknownName)
	}
	return r.encodeItem(e, pkg, k, name, in)
}

func (r *Registry) encodeItem(e *pkgEntry, pkg uint16, k itemKind, full, in string) (uint16, uint16, *itemEntry, error) {
	if in == "*" {
		return pkg, 0xFFFF, nil, nil
	}
	if e != nil {
		if it := e.itemByName(k, in); it != nil {
			return pkg, it.ID, it, nil
		}
	}
	if id, ok := hexName(in); ok {
		var it *itemEntry
		if e != nil {
			it = e.kinds[k].get(id)
		}
		return pkg, id, it, nil
	}
	return 0, 0, nil, fmt.Errorf("%s %q: %s %q is %w", k, full, k, in, errUnknownName)
}

// decodePkgdName returns the text name of a PkgdName and the item's entry
// if the registry knows it. Names of known items are the registry's
// strings; others are built from the fallback forms.
func (r *Registry) decodePkgdName(k itemKind, pkg, item uint16) (string, *itemEntry) {
	if pkg == 0xFFFF {
		return "*/*", nil
	}
	e := r.pkg(pkg)
	if e != nil {
		if it := e.kinds[k].get(item); it != nil {
			return it.full, it
		}
	}
	var buf [32]byte
	b := buf[:0]
	switch {
	case e != nil && e.name != "":
		b = append(b, e.name...)
		b = append(b, '/')
	case e == nil:
		b = appendHexName(b, pkg)
		b = append(b, '/')
	}
	if item == 0xFFFF {
		b = append(b, '*')
	} else {
		b = appendHexName(b, item)
	}
	return string(b), nil
}

// encodeParamName returns the id of an event or signal parameter of item
// it (nil when the item is unknown), by name or by the fallback form.
func encodeParamName(it *itemEntry, name string) (uint16, *Param, error) {
	if it != nil {
		if p := it.param(name); p != nil {
			return p.ID, p, nil
		}
	}
	if id, ok := hexName(name); ok {
		if it != nil {
			return id, it.paramByID(id), nil
		}
		return id, nil, nil
	}
	if it == nil {
		return 0, nil, fmt.Errorf("parameter %q of an item the registry does not know is %w (write it as x<hex id>)", name, errUnknownName)
	}
	return 0, nil, fmt.Errorf("parameter %q of %s is %w", name, it.full, errUnknownName)
}

// decodeParamName returns the name of parameter id of item it.
func decodeParamName(it *itemEntry, id uint16) (string, *Param) {
	if it != nil {
		if p := it.paramByID(id); p != nil {
			return p.Name, p
		}
	}
	var buf [8]byte
	return string(appendHexName(buf[:0], id)), nil
}

// encodePackageName returns the id of a package named in a Packages
// descriptor.
func (r *Registry) encodePackageName(name string) (uint16, error) {
	if e := r.pkgByName(name); e != nil && e.name != "" {
		return e.id, nil
	}
	if id, ok := hexName(name); ok {
		return id, nil
	}
	return 0, fmt.Errorf("package %q is %w", name, errUnknownName)
}

// decodePackageName returns the name of package id.
func (r *Registry) decodePackageName(id uint16) string {
	if e := r.pkg(id); e != nil && e.name != "" {
		return e.name
	}
	var buf [8]byte
	return string(appendHexName(buf[:0], id))
}

var baseRegistry = sync.OnceValue(func() *Registry {
	r, err := NewRegistry(BasePackages()...)
	if err != nil {
		panic(err) // the built-in tables are tested
	}
	return r
})

// BaseRegistry returns the registry of the base packages (BasePackages),
// built once and shared.
func BaseRegistry() *Registry { return baseRegistry() }
