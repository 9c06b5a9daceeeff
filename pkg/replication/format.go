package replication

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// formatV1 is the first byte of every update message and snapshot object
// written by this code. A reader accepts every version it knows, so during a
// rolling upgrade new code reads what old code wrote; a version it does not
// know stops the reader with ErrFormat instead of being misapplied.
const formatV1 = 1

// Operations in an update body, applied in order.
const (
	opPut    = 1
	opDelete = 2
)

// Version 1 layout, integers as uvarints, strings and values length-prefixed:
//
//	update:   1 epoch instance op*
//	snapshot: 1 seq epoch op*
//	op:       opPut key value | opDelete key

// appendUpdateHeader starts the body of an update written in epoch.
func appendUpdateHeader(dst []byte, epoch uint64, instance string) []byte {
	dst = append(dst, formatV1)
	dst = binary.AppendUvarint(dst, epoch)
	return appendBytes(dst, instance)
}

// updateHeaderMax bounds appendUpdateHeader's output for an instance name.
func updateHeaderMax(instance string) int {
	return 1 + 2*binary.MaxVarintLen64 + len(instance)
}

// appendOps appends c's operations, deletes first: a key that c both
// deletes and puts ends up put.
func appendOps(dst []byte, c Change) []byte {
	for _, k := range c.Deletes {
		dst = append(dst, opDelete)
		dst = appendBytes(dst, k)
	}
	for k, v := range c.Puts {
		dst = append(dst, opPut)
		dst = appendBytes(dst, k)
		dst = appendBytes(dst, v)
	}
	return dst
}

// opsSize is the length appendOps adds for c.
func opsSize(c Change) int {
	n := 0
	for _, k := range c.Deletes {
		n += 1 + bytesSize(len(k))
	}
	for k, v := range c.Puts {
		n += 1 + bytesSize(len(k)) + bytesSize(len(v))
	}
	return n
}

func bytesSize(n int) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], uint64(n)) + n
}

func appendBytes[S string | []byte](dst []byte, s S) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// decodeUpdate reads an update body. Values alias data.
func decodeUpdate(data []byte) (*Update, error) {
	epoch, instance, ops, err := decodeUpdateHeader(data)
	if err != nil {
		return nil, err
	}
	u := &Update{Epoch: epoch, Instance: instance}
	var deleted map[string]bool
	err = walkOps(ops, func(put bool, k, v []byte) {
		key := string(k)
		if put {
			if u.Puts == nil {
				u.Puts = make(map[string][]byte)
			}
			u.Puts[key] = v
			delete(deleted, key)
			return
		}
		if deleted == nil {
			deleted = make(map[string]bool)
		}
		deleted[key] = true
		delete(u.Puts, key)
	})
	if err != nil {
		return nil, err
	}
	for k := range deleted {
		u.Deletes = append(u.Deletes, k)
	}
	slices.Sort(u.Deletes)
	return u, nil
}

// decodeUpdateHeader splits an update body into its header and operations.
func decodeUpdateHeader(data []byte) (epoch uint64, instance string, ops []byte, err error) {
	if err := checkVersion(data); err != nil {
		return 0, "", nil, err
	}
	epoch, off, err := readUvarint(data, 1)
	if err != nil {
		return 0, "", nil, err
	}
	inst, off, err := readBytes(data, off)
	if err != nil {
		return 0, "", nil, err
	}
	return epoch, string(inst), data[off:], nil
}

// walkOps calls f for each operation in order. It checks every length
// before slicing and allocates nothing from what it reads.
func walkOps(ops []byte, f func(put bool, key, value []byte)) error {
	for off := 0; off < len(ops); {
		op := ops[off]
		if op != opPut && op != opDelete {
			return fmt.Errorf("%w: unknown operation %d at offset %d", ErrFormat, op, off)
		}
		key, next, err := readBytes(ops, off+1)
		if err != nil {
			return err
		}
		var value []byte
		if op == opPut {
			if value, next, err = readBytes(ops, next); err != nil {
				return err
			}
		}
		f(op == opPut, key, value)
		off = next
	}
	return nil
}

// encodeSnapshot writes s as a snapshot object body.
func encodeSnapshot(s *Snapshot) []byte {
	n := 1 + 2*binary.MaxVarintLen64
	for k, v := range s.Items {
		n += 1 + bytesSize(len(k)) + bytesSize(len(v))
	}
	dst := make([]byte, 0, n)
	dst = append(dst, formatV1)
	dst = binary.AppendUvarint(dst, s.Seq)
	dst = binary.AppendUvarint(dst, s.Epoch)
	return appendOps(dst, Change{Puts: s.Items})
}

// decodeSnapshot reads a snapshot object body. Values alias data.
func decodeSnapshot(data []byte) (*Snapshot, error) {
	if err := checkVersion(data); err != nil {
		return nil, err
	}
	seq, off, err := readUvarint(data, 1)
	if err != nil {
		return nil, err
	}
	epoch, off, err := readUvarint(data, off)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Seq: seq, Epoch: epoch, Items: make(map[string][]byte)}
	return s, walkOps(data[off:], s.applyOp)
}

func checkVersion(data []byte) error {
	if len(data) == 0 {
		return fmt.Errorf("%w: empty", ErrFormat)
	}
	if data[0] != formatV1 {
		return fmt.Errorf("%w: unknown format version %d", ErrFormat, data[0])
	}
	return nil
}

func readUvarint(b []byte, off int) (uint64, int, error) {
	v, n := binary.Uvarint(b[off:])
	if n <= 0 {
		return 0, off, fmt.Errorf("%w: bad integer at offset %d", ErrFormat, off)
	}
	return v, off + n, nil
}

func readBytes(b []byte, off int) ([]byte, int, error) {
	l, next, err := readUvarint(b, off)
	if err != nil {
		return nil, off, err
	}
	if l > uint64(len(b)-next) {
		return nil, off, fmt.Errorf("%w: length %d at offset %d runs past the end", ErrFormat, l, off)
	}
	end := next + int(l)
	return b[next:end], end, nil
}
