package h248

import "strconv"

//go:generate go run gen_errorcodes.go

// ErrorCode is an H.248 error code (H.248.8). ServiceChange reasons
// (900-920) share the number space.
type ErrorCode uint16

// String returns the code's name, or the number when it has none.
func (c ErrorCode) String() string {
	if n, ok := errorCodeNames[c]; ok {
		return n
	}
	return strconv.Itoa(int(c))
}

// Name returns the code's name and whether it has one.
func (c ErrorCode) Name() (string, bool) {
	n, ok := errorCodeNames[c]
	return n, ok
}
