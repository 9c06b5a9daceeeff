package config

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
)

// Problem is one thing wrong with a configuration: where, which key, what.
type Problem struct {
	// Pos is "FILE:LINE:COL", "env NAME" or "flag --name"; empty for a
	// built-in default.
	Pos string
	Key string
	Msg string
}

func (p Problem) String() string {
	if p.Pos == "" {
		return p.Key + ": " + p.Msg
	}
	return p.Pos + ": " + p.Key + ": " + p.Msg
}

// Error lists every problem found in a configuration. The daemon refuses
// to start on one and exits 2.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// special are the words some integer keys take besides numbers, as in
// Erlang's config (infinity) and the segment_send option (none).
var special = map[string]map[string]int{
	"segment_send":       {"none": engine.SegmentSendNone, "infinity": engine.SegmentSendAll},
	"orig_pending_limit": {"infinity": engine.Infinite},
	"recv_pending_limit": {"infinity": engine.Infinite},
	"max_retries":        {"infinity": engine.Infinite},
	"max_pdu_size":       {"infinity": 0},
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	timerType    = reflect.TypeFor[engine.Timer]()
	midType      = reflect.TypeFor[h248.MID]()
	encodingType = reflect.TypeFor[codec.Encoding]()
	textType     = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decoder walks a YAML node tree against a Go value, strictly: every key
// must be a field (by its yaml tag), every value of its field's type. It
// records the position of every key it meets and collects problems rather
// than stopping at the first.
type decoder struct {
	file  string            // for positions; "" leaves them out
	probs []Problem         // what is wrong
	keys  map[string]string // key → position of its value
	lists map[string]bool   // keys whose value is a list
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, keys: map[string]string{}, lists: map[string]bool{}}
}

func (d *decoder) pos(n *yaml.Node) string {
	if d.file == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", d.file, n.Line, n.Column)
}

func (d *decoder) fail(n *yaml.Node, key, format string, args ...any) {
	d.probs = append(d.probs, Problem{Pos: d.pos(n), Key: key, Msg: fmt.Sprintf(format, args...)})
}

// document decodes the text of a YAML document into v.
func (d *decoder) document(data []byte, v any) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		d.probs = append(d.probs, Problem{Pos: d.file, Key: "(file)", Msg: strings.TrimPrefix(err.Error(), "yaml: ")})
		return
	}
	if len(n.Content) == 0 {
		return // an empty file changes nothing
	}
	d.value(n.Content[0], reflect.ValueOf(v).Elem(), "")
}

// value decodes n into v, the value of key.
func (d *decoder) value(n *yaml.Node, v reflect.Value, key string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if key != "" {
		d.keys[key] = d.pos(n)
	}
	t := v.Type()
	null := n.Kind == yaml.ScalarNode && n.Tag == "!!null"
	switch {
	case t == timerType && n.Kind == yaml.ScalarNode && !null:
		d.timer(n, v, key)
		return
	case t == timerType || t.Kind() == reflect.Struct && !isLeaf(t):
		if n.Kind != yaml.MappingNode {
			d.fail(n, key, "wrong type: want %s, got %s", describe(t), nodeKind(n))
			return
		}
		d.mapping(n, v, key)
		return
	case t.Kind() == reflect.Slice:
		d.lists[key] = true
		if null {
			v.Set(reflect.Zero(t))
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.fail(n, key, "wrong type: want a list, got %s", nodeKind(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, e := range n.Content {
			el := s.Index(i)
			if def, ok := el.Addr().Interface().(interface{ setDefaults() }); ok {
				def.setDefaults()
			}
			d.value(e, el, fmt.Sprintf("%s[%d]", key, i))
		}
		v.Set(s)
		return
	case t.Kind() == reflect.Map:
		if null {
			v.Set(reflect.Zero(t))
			return
		}
		if n.Kind != yaml.MappingNode {
			d.fail(n, key, "wrong type: want a mapping, got %s", nodeKind(n))
			return
		}
		m := reflect.MakeMap(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			el := reflect.New(t.Elem()).Elem()
			d.value(val, el, join(key, k.Value))
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(t.Key()), el)
		}
		v.Set(m)
		return
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(n, key, "wrong type: want %s, got %s", describe(t), nodeKind(n))
		return
	}
	if null && t.Kind() != reflect.String {
		d.fail(n, key, "wrong type: want %s, got nothing", describe(t))
		return
	}
	if err := setScalar(v, n.Value, last(key)); err != nil {
		d.fail(n, key, "%v", err)
	}
}

// mapping decodes a YAML mapping into a struct, field by yaml tag.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, key string) {
	fields := fieldsOf(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name := k.Value
		sub := join(key, name)
		f, ok := fields[name]
		switch {
		case !ok:
			d.fail(k, sub, "unknown key%s", suggest(name, fields))
		case seen[name]:
			d.fail(k, sub, "key given twice")
		default:
			seen[name] = true
			d.value(val, v.FieldByIndex(f), sub)
		}
	}
}

// timer decodes a timer written as a duration (fixed) or as
// "wait_for=7s,factor=2,incr=0,max_retries=3"; the keys left out keep
// their value.
func (d *decoder) timer(n *yaml.Node, v reflect.Value, key string) {
	s := strings.TrimSpace(n.Value)
	if !strings.Contains(s, "=") {
		dur, err := parseDuration(s)
		if err != nil {
			d.fail(n, key, "want a timer (a duration, or wait_for=7s,factor=2,incr=0,max_retries=3): %v", err)
			return
		}
		v.Set(reflect.ValueOf(engine.Fixed(dur)))
		return
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
	for _, kv := range strings.Split(s, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			d.fail(n, key, "timer part %q: want key=value", kv)
			return
		}
		m.Content = append(m.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.TrimSpace(k), Line: n.Line, Column: n.Column},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.TrimSpace(val), Line: n.Line, Column: n.Column})
	}
	d.mapping(m, v, key)
}

// isLeaf reports whether values of t are written as one scalar.
func isLeaf(t reflect.Type) bool {
	return t == midType || t == durationType || reflect.PointerTo(t).Implements(textType)
}

// setScalar parses s into v; name is the key, for its special words.
func setScalar(v reflect.Value, s, name string) error {
	t := v.Type()
	switch t {
	case durationType:
		dur, err := parseDuration(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(dur))
		return nil
	case midType:
		if s == "" {
			v.Set(reflect.Zero(t))
			return nil
		}
		mid, err := ParseMID(s)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(mid))
		return nil
	case encodingType:
		e, err := parseEncoding(s)
		if err != nil {
			return err
		}
		v.SetUint(uint64(e))
		return nil
	}
	if reflect.PointerTo(t).Implements(textType) {
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return fmt.Errorf("want %s: %v", describe(t), err)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.ToLower(s))
		if err != nil || (s != "true" && s != "false") {
			return fmt.Errorf("wrong type: want true or false, got %q", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if w, ok := special[name][s]; ok {
			v.SetInt(int64(w))
			return nil
		}
		i, err := strconv.ParseInt(s, 10, t.Bits())
		if err != nil {
			return fmt.Errorf("wrong type: want %s, got %q", describeInt(name, t), s)
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := strconv.ParseUint(s, 10, t.Bits())
		if err != nil {
			return fmt.Errorf("wrong type: want %s, got %q", describeInt(name, t), s)
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(s, t.Bits())
		if err != nil {
			return fmt.Errorf("wrong type: want a number, got %q", s)
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("cannot set a %v", t)
	}
	return nil
}

// parseDuration reads "7s", "500ms" or integer milliseconds.
func parseDuration(s string) (time.Duration, error) {
	var d time.Duration
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		d = time.Duration(ms) * time.Millisecond
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, fmt.Errorf("wrong type: want a duration (7s, 500ms or milliseconds), got %q", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("impossible value %q: a duration must not be negative", s)
	}
	return d, nil
}

// parseEncoding reads an encoding name; auto is the zero Encoding (by
// port).
func parseEncoding(s string) (codec.Encoding, error) {
	if s == "auto" || s == "" {
		return 0, nil
	}
	e, err := codec.ParseEncoding(s)
	if err != nil {
		return 0, fmt.Errorf("want pretty, compact, binary or auto, got %q", s)
	}
	return e, nil
}

// fieldsOf maps yaml names to field indexes, through inline fields.
func fieldsOf(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if opts == "inline" {
			for k, idx := range fieldsOf(f.Type) {
				out[k] = append([]int{i}, idx...)
			}
			continue
		}
		if name == "" {
			continue // not part of the configuration
		}
		out[name] = []int{i}
	}
	return out
}

func describe(t reflect.Type) string {
	switch t {
	case durationType:
		return "a duration (7s, 500ms or milliseconds)"
	case timerType:
		return "a timer (a duration, or wait_for=7s,factor=2,incr=0,max_retries=3, or a mapping)"
	case midType:
		return "a MID ([10.0.0.1]:2944, <mg.example.net>, mg1)"
	}
	switch t.Kind() {
	case reflect.Struct:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	case reflect.Map:
		return "a mapping"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	}
	if reflect.PointerTo(t).Implements(textType) {
		return "a " + strings.ToLower(t.Name())
	}
	return "a number"
}

func describeInt(name string, t reflect.Type) string {
	words := make([]string, 0, len(special[name]))
	for w := range special[name] {
		words = append(words, w)
	}
	sort.Strings(words)
	kind := "an integer"
	if t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64 {
		kind = "a non-negative integer"
	}
	if len(words) == 0 {
		return kind
	}
	return kind + " or " + strings.Join(words, " or ")
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

// suggest names the closest known key to a misspelt one.
func suggest(name string, fields map[string][]int) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	best, bestD := "", 3
	for _, k := range keys {
		if d := distance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func join(key, name string) string {
	if key == "" {
		return name
	}
	return key + "." + name
}

// last returns the last name of a key: users[0].request_timer →
// request_timer.
func last(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	if i := strings.IndexByte(key, '['); i >= 0 {
		key = key[:i]
	}
	return key
}
