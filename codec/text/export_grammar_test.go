package text

// DecodeFast is the fast decoder alone, for the tests that hold it equal
// to the grammar path (Codec.Decode falls back to the grammar on errors).
var DecodeFast = decode
