// Package transport defines what the stack needs from a transport: packets
// in, each with an opaque handle to answer its sender, and a way to send.
// The implementations live in subpackages: udp (datagrams on a pion
// transport.Net), tcp (streams with TPKT framing) and memnet (an in-memory
// network for deterministic tests).
package transport

// Default ports of H.248.1 Annex D: 2944 for the text encoding and 2945 for
// the binary encoding, over UDP and TCP alike.
const (
	DefaultTextPort   = 2944
	DefaultBinaryPort = 2945
)

// SendHandle identifies a peer to send to: an address for a datagram
// transport, a connection for a stream transport. Only the transport that
// made it knows what it holds. Handles are comparable, so they can key
// maps, and print themselves for logs.
type SendHandle interface {
	String() string
}

// Packet is one message as received. Data is valid only during the
// HandlePacket call that delivers it; From answers the sender; Local
// tells which transport received it (for example to pick the encoding by
// port).
type Packet struct {
	Data  []byte
	From  SendHandle
	Local Transport
}

// Handler receives what a transport reads. A transport calls it from its
// reader goroutines, one call at a time per socket or stream.
type Handler interface {
	HandlePacket(p Packet)
	// HandleClosed reports that a stream to a peer closed (err is nil when
	// it was closed locally). Datagram transports never call it.
	HandleClosed(from SendHandle, err error)
}

// Transport sends H.248 messages and delivers received ones to its Handler.
type Transport interface {
	// Send sends one message to a peer. It does not keep b.
	Send(to SendHandle, b []byte) error
	// LocalAddr is the address the transport listens on, "host:port".
	LocalAddr() string
	// Close stops reading, closes every stream and waits for the reader
	// goroutines to end.
	Close() error
}
