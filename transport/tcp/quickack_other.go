//go:build !linux

package tcp

import "net"

// quickAck is Linux's TCP_QUICKACK; elsewhere the delayed ack stays.
func quickAck(net.Conn) {}
