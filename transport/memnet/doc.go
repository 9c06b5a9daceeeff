// Package memnet is an in-memory network of datagrams and streams for
// deterministic tests, above all under testing/synctest. pion's vnet has
// no TCP; memnet has both, behind pion's transport.Net interface, so the
// udp and tcp transports run over it unchanged.
//
// A Network connects hosts; each host (a *Net) has one IP address of your
// choosing plus loopback. Ports are allocated at run time from 49152 up
// when a socket asks for port 0.
//
//   - Datagrams (ListenPacket, ListenUDP, DialUDP, Dial("udp", …)) keep
//     their boundaries, never block the sender, and are dropped when the
//     receiving socket's queue (Config.DatagramQueue) is full or no socket
//     is bound at the destination. A Filter can drop or delay them.
//   - Streams (ListenTCP, DialTCP, Dial("tcp", …)) are ordered and
//     reliable, with a window per direction (Config.StreamWindow): Write
//     blocks while it is full. A Read returns the bytes of at most one
//     Write, so a test writes in pieces to split a message across reads
//     and writes many messages at once to merge them. Close gives the
//     peer io.EOF after the data, and ECONNRESET on its next write.
//   - Read, write and accept deadlines work, on the time package's clock.
//
// Nothing sleeps and nothing polls: a blocked operation waits on channels,
// and timers are time.AfterFunc. Inside a testing/synctest bubble the
// clock is the bubble's fake clock and blocked operations are durably
// blocked, so synctest.Wait and time.Sleep work as documented. Build the
// Network inside the bubble that uses it: channels and timers belong to
// the bubble that made them.
//
// Usage:
//
//	synctest.Test(t, func(t *testing.T) {
//		nw := memnet.NewNetwork(memnet.Config{})
//		mgc, _ := nw.Host("10.0.0.1")
//		mg, _ := nw.Host("10.0.0.2")
//		ln, _ := mgc.ListenTCP("tcp", &net.TCPAddr{IP: net.ParseIP("10.0.0.1")})
//		c, _ := mg.Dial("tcp", ln.Addr().String()) // "10.0.0.1:49152"
//		// … or hand mgc and mg to udp.Listen, tcp.Listen and tcp.Dial.
//	})
package memnet
