package memnet_test

import (
	"fmt"
	"io"
	"net"

	"github.com/megaco/megaco/transport/memnet"
)

func Example() {
	nw := memnet.NewNetwork(memnet.Config{})
	mgc, _ := nw.Host("10.0.0.1")
	mg, _ := nw.Host("10.0.0.2")

	ln, _ := mgc.ListenTCP("tcp", &net.TCPAddr{IP: net.ParseIP("10.0.0.1")})
	defer ln.Close()
	c, _ := mg.Dial("tcp", ln.Addr().String())
	s, _ := ln.Accept()
	fmt.Println(c.LocalAddr(), "->", c.RemoteAddr())
	fmt.Println(s.LocalAddr(), "<-", s.RemoteAddr())

	c.Write([]byte("hello"))
	c.Close()
	b, _ := io.ReadAll(s)
	fmt.Printf("%s\n", b)
	// Output:
	// 10.0.0.2:49152 -> 10.0.0.1:49152
	// 10.0.0.1:49152 <- 10.0.0.2:49152
	// hello
}
