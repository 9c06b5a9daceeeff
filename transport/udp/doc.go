// Package udp is the UDP transport of H.248.1 Annex D.1: one socket, one
// datagram per message, on a pion transport.Net — stdnet in production,
// vnet or memnet in tests.
//
// One reader goroutine per socket reads each datagram into a pooled
// 64 KiB buffer and calls Handler.HandlePacket, one call at a time; the
// packet's data is valid only during that call. A packet's From is the
// sender's Addr, a comparable value: Send(p.From, reply) answers the
// request's source address, and the Addr of a configured peer, made with
// ParseAddr or Transport.Resolve, equals the From of its packets. Close
// closes the socket and waits for the reader. Receiving and sending
// allocate nothing on stdnet.
//
// UDP has no streams, so HandleClosed is never called. The default ports
// are transport.DefaultTextPort (2944) and transport.DefaultBinaryPort
// (2945).
//
// Usage:
//
//	n, _ := stdnet.NewNet()
//	t, err := udp.Listen(n, fmt.Sprintf(":%d", transport.DefaultTextPort), handler,
//		udp.WithLogger(log), udp.WithConfig(udp.Config{SocketReadBuffer: 4 << 20}))
//	if err != nil { … }
//	defer t.Close()
//	mg, _ := t.Resolve("mg1.example.net:2944")
//	err = t.Send(mg, msg)
package udp
