// Package tcp is the TCP transport of H.248.1 Annex D.2: messages framed
// with TPKT (RFC 1006: 03 00 and a 16-bit length that includes the
// 4-byte header) on streams of a pion transport.Net — stdnet in
// production, memnet in tests.
//
// A Transport made by Listen accepts streams; one made by Dial opens one
// (and Transport.Dial more). Each stream has one reader goroutine that
// reassembles frames split across reads, splits reads holding several,
// and calls Handler.HandlePacket once per frame with the stream's *Conn
// as From; Send(p.From, reply) answers on the same stream. When a stream
// ends, its reader calls Handler.HandleClosed(conn, err): err is nil when
// it was closed locally, io.EOF when the peer closed it, and otherwise
// says why.
//
// Hostile or broken peers cost only their own stream. A frame whose
// version is not 3, or whose length is under 4 or over Config.MaxPDUSize,
// closes its stream (ErrBadVersion, ErrFrameTooShort, ErrFrameTooLong)
// with one structured log line naming the peer and the reason. A frame
// that does not complete within Config.FrameTimeout (a header and then
// silence, or a byte at a time) closes its stream with ErrFrameTimeout.
// Read buffers grow only as bytes arrive, so an announced length costs
// nothing by itself. Every goroutine belongs to the Transport, and Close
// interrupts blocked reads and writes and waits for all of them.
//
// Usage:
//
//	n, _ := stdnet.NewNet()
//	mgc, err := tcp.Listen(n, fmt.Sprintf(":%d", transport.DefaultTextPort), handler,
//		tcp.WithLogger(log), tcp.WithConfig(tcp.Config{MaxPDUSize: 16 << 10}))
//	if err != nil { … }
//	defer mgc.Close()
//
//	mg, conn, err := tcp.Dial(n, "mgc.example.net:2944", handler)
//	if err != nil { … }
//	defer mg.Close()
//	err = mg.Send(conn, msg)
package tcp
