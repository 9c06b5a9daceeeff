package h248

// Opt is an optional value. The zero Opt is absent.
type Opt[T comparable] struct {
	Value T
	Set   bool
}

// Some returns a present Opt holding v.
func Some[T comparable](v T) Opt[T] { return Opt[T]{Value: v, Set: true} }

// Get returns the value and whether it is present.
func (o Opt[T]) Get() (T, bool) { return o.Value, o.Set }

// Or returns the value if present and def otherwise.
func (o Opt[T]) Or(def T) T {
	if o.Set {
		return o.Value
	}
	return def
}

func (o Opt[T]) equalOpt(p Opt[T]) bool {
	if o.Set != p.Set {
		return false
	}
	return !o.Set || o.Value == p.Value
}
