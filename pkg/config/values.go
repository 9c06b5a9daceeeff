package config

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/megaco/megaco/codec"
	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
)

// KeyValue is one setting written as in the configuration file.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Values lists the settings of v (a pointer to a Config, a User, an
// engine.Config, ...) in field order, each value written so that the
// configuration file and the update commands read it back.
func Values(v any) []KeyValue {
	var out []KeyValue
	flatten(reflect.ValueOf(v).Elem(), "", &out)
	return out
}

// Map is Values as a map, for JSON.
func Map(v any) map[string]string {
	m := map[string]string{}
	for _, kv := range Values(v) {
		m[kv.Key] = kv.Value
	}
	return m
}

func flatten(v reflect.Value, key string, out *[]KeyValue) {
	t := v.Type()
	switch {
	case t == timerType || t == midType:
	case t.Kind() == reflect.Struct && !isLeaf(t):
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if opts == "inline" {
				flatten(v.Field(i), key, out)
			} else if name != "" {
				flatten(v.Field(i), join(key, name), out)
			}
		}
		return
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && !isLeaf(t.Elem()):
		for i := 0; i < v.Len(); i++ {
			flatten(v.Index(i), fmt.Sprintf("%s[%d]", key, i), out)
		}
		if v.Len() == 0 {
			*out = append(*out, KeyValue{Key: key, Value: "[]"})
		}
		return
	case t.Kind() == reflect.Map:
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		for _, k := range keys {
			flatten(v.MapIndex(reflect.ValueOf(k).Convert(t.Key())), join(key, k), out)
		}
		if len(keys) == 0 {
			*out = append(*out, KeyValue{Key: key, Value: "{}"})
		}
		return
	}
	*out = append(*out, KeyValue{Key: key, Value: format(v, last(key))})
}

// format writes one value as the file would: 7s, the timer's
// key=value form, infinity, [a, b].
func format(v reflect.Value, name string) string {
	switch x := v.Interface().(type) {
	case time.Duration:
		return x.String()
	case engine.Timer:
		if x.Factor == 1 && x.Incr == 0 && x.MaxRetries == 0 {
			return x.WaitFor.String()
		}
		return x.String()
	case h248.MID:
		if x == (h248.MID{}) {
			return ""
		}
		return x.String()
	case codec.Encoding:
		if x == 0 {
			return "auto"
		}
		return x.String()
	case encoding.TextMarshaler:
		b, err := x.MarshalText()
		if err != nil {
			return err.Error()
		}
		return string(b)
	}
	switch v.Kind() {
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = format(v.Index(i), name)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		for w, n := range special[name] {
			if int64(n) == v.Int() {
				return w
			}
		}
		return strconv.FormatInt(v.Int(), 10)
	}
	return fmt.Sprint(v.Interface())
}
