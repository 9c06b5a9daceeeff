package h248

import "strings"

// Value is one package element value (ABNF VALUE). Quoted records that
// the text encoding used the quotedString form; a quoted value compares
// exactly, an unquoted one case-insensitively. Encoders quote a value that
// is marked Quoted or that holds characters outside SafeChar.
type Value struct {
	Text   string `json:"text"`
	Quoted bool   `json:"quoted,omitempty"`
}

// Quoted returns a quoted Value.
func Quoted(s string) Value { return Value{Text: s, Quoted: true} }

// Unquoted returns a Value written in the SafeChar form.
func Unquoted(s string) Value { return Value{Text: s} }

func (v Value) equalValue(w Value) bool {
	if v.Quoted || w.Quoted {
		return v.Text == w.Text
	}
	return strings.EqualFold(v.Text, w.Text)
}

// ValueForm is how a parameter's value (parmValue) is written.
type ValueForm uint8

const (
	FormSingle       ValueForm = iota // =v
	FormSublist                       // =[a,b]: a AND b
	FormAlternatives                  // ={a,b}: a OR b
	FormRange                         // =[a:b]
	FormGreater                       // >v
	FormSmaller                       // <v
	FormUnequal                       // #v
)

var valueFormNames = [...]string{"single", "sublist", "alternatives", "range", "greater", "smaller", "unequal"}

func (f ValueForm) String() string { return enumName(valueFormNames[:], int(f)) }

// ParmValue is the value of a property, event or signal parameter: one
// value, a list, a range or a relation.
type ParmValue struct {
	Form   ValueForm `json:"form"`
	Values []Value   `json:"values"`
}

// Single returns the parameter value "=v".
func Single(v Value) ParmValue { return ParmValue{Values: []Value{v}} }

// PropertyParm is a named parameter with a value: a property (the name is
// a pkgdName such as "nt/jit"), or an event or signal parameter (the name
// is a NAME such as "strict").
type PropertyParm struct {
	Name  string    `json:"name"`
	Value ParmValue `json:"value"`
}

// EventParameter and SigParameter have the shape of a PropertyParm.
type (
	EventParameter = PropertyParm
	SigParameter   = PropertyParm
)
