package tcp

import (
	"net"
	"syscall"
)

// quickAck turns off the delayed ack for what was just read. A peer that
// sends a TransactionPending and then the reply, with Nagle's algorithm
// on (Erlang's gen_tcp default), holds the reply until the Pending is
// acknowledged; a delayed ack would stall every such exchange for 40 ms.
func quickAck(nc net.Conn) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
