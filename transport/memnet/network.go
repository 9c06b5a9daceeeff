package memnet

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/pion/transport/v3"
)

// Defaults of Config.
const (
	DefaultDatagramQueue = 4096
	DefaultStreamWindow  = 256 << 10
	DefaultBacklog       = 128

	// MaxDatagram is the largest datagram payload a socket sends.
	MaxDatagram = 65535

	firstEphemeralPort = 49152
)

// Config sizes the queues of a Network. The zero value gives the defaults.
type Config struct {
	// DatagramQueue is how many datagrams a socket holds for reading;
	// further datagrams are dropped, as UDP drops them. 0 means
	// DefaultDatagramQueue (4096).
	DatagramQueue int
	// StreamWindow is how many bytes a stream holds in each direction
	// before Write blocks until the peer reads. 0 means
	// DefaultStreamWindow (256 KiB).
	StreamWindow int
	// Backlog is how many dialed streams a listener holds until they are
	// accepted; a dial beyond it is refused. 0 means DefaultBacklog (128).
	Backlog int
}

// Datagram is a datagram in flight, as a Filter sees it. Data must not be
// modified or kept.
type Datagram struct {
	From, To netip.AddrPort
	Data     []byte
}

// Filter decides the fate of each datagram sent on a Network: dropped
// (deliver false), delivered at once (delay 0) or delivered after delay,
// measured on the time package's clock (the fake clock in a
// testing/synctest bubble). It runs on the sending goroutine.
type Filter func(d Datagram) (deliver bool, delay time.Duration)

// Network is the switch that connects hosts: every Net made by Host
// reaches every other by IP address, with datagrams and streams. Build it
// inside the testing/synctest bubble that uses it.
type Network struct {
	cfg Config

	mu     sync.Mutex // guards everything below and the tables of every Net
	hosts  map[netip.Addr]*Net
	filter Filter
}

// NewNetwork returns an empty network.
func NewNetwork(cfg Config) *Network {
	if cfg.DatagramQueue <= 0 {
		cfg.DatagramQueue = DefaultDatagramQueue
	}
	if cfg.StreamWindow <= 0 {
		cfg.StreamWindow = DefaultStreamWindow
	}
	if cfg.Backlog <= 0 {
		cfg.Backlog = DefaultBacklog
	}
	return &Network{cfg: cfg, hosts: map[netip.Addr]*Net{}}
}

// SetFilter installs f for the datagrams sent from now on; nil removes it.
func (nw *Network) SetFilter(f Filter) {
	nw.mu.Lock()
	nw.filter = f
	nw.mu.Unlock()
}

// Host adds a host with the given unicast IP address and returns its
// network stack. Besides ip, a host owns the loopback addresses 127.0.0.1
// and ::1, which reach only itself.
func (nw *Network) Host(ip string) (*Net, error) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil, fmt.Errorf("memnet: host address: %w", err)
	}
	addr = addr.Unmap()
	if addr.Zone() != "" || addr.IsLoopback() || addr.IsUnspecified() || addr.IsMulticast() {
		return nil, fmt.Errorf("memnet: host address %s: not a unicast address", addr)
	}
	nw.mu.Lock()
	defer nw.mu.Unlock()
	if _, dup := nw.hosts[addr]; dup {
		return nil, fmt.Errorf("memnet: host address %s: already taken", addr)
	}
	n := &Net{
		nw:        nw,
		ip:        addr,
		udpBind:   map[uint16][]netip.Addr{},
		tcpBind:   map[uint16][]netip.Addr{},
		udpSocks:  map[netip.AddrPort]*UDPConn{},
		listeners: map[netip.AddrPort]*TCPListener{},
		nextPort:  [2]uint16{firstEphemeralPort, firstEphemeralPort},
	}
	nw.hosts[addr] = n
	return n, nil
}

// Net is one host's network stack on a Network. It implements pion's
// transport.Net for UDP and TCP; the other networks are not supported.
type Net struct {
	nw *Network
	ip netip.Addr

	// Guarded by nw.mu. Bindings map a port to the addresses bound on
	// it, the zero Addr standing for the wildcard.
	udpBind   map[uint16][]netip.Addr
	tcpBind   map[uint16][]netip.Addr
	udpSocks  map[netip.AddrPort]*UDPConn     // bound address (zero Addr: wildcard)
	listeners map[netip.AddrPort]*TCPListener // likewise
	nextPort  [2]uint16                       // next ephemeral port: udp, tcp
}

var _ transport.Net = (*Net)(nil)

// IP returns the host's address.
func (n *Net) IP() netip.Addr { return n.ip }

// Network returns the network the host is on.
func (n *Net) Network() *Network { return n.nw }

// String returns the host's address.
func (n *Net) String() string { return n.ip.String() }

// owns reports whether ip is one of the host's addresses.
func (n *Net) owns(ip netip.Addr) bool {
	return ip == n.ip || ip.IsLoopback()
}

// route returns the host that dst reaches from n, or nil. Caller holds
// nw.mu.
func (n *Net) route(dst netip.Addr) *Net {
	if dst.IsLoopback() || dst.IsUnspecified() || dst == n.ip {
		return n
	}
	return n.nw.hosts[dst]
}

// sourceIP is the address n sends from to dst when its socket is bound to
// bound (the zero Addr for the wildcard).
func (n *Net) sourceIP(bound, dst netip.Addr) netip.Addr {
	if bound.IsValid() {
		return bound
	}
	if dst.IsLoopback() || dst.IsUnspecified() {
		if dst.Is6() {
			return netip.IPv6Loopback()
		}
		return netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	return n.ip
}

// deliveryAddr is where a packet sent to dst lands: the unspecified
// address means this host's loopback.
func deliveryAddr(dst netip.Addr) netip.Addr {
	if dst.IsUnspecified() {
		if dst.Is6() {
			return netip.IPv6Loopback()
		}
		return netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	return dst
}

const (
	protoUDP = 0
	protoTCP = 1
)

func (n *Net) bindings(proto int) map[uint16][]netip.Addr {
	if proto == protoUDP {
		return n.udpBind
	}
	return n.tcpBind
}

// bind reserves ip:port (ip zero for the wildcard, port 0 for an
// ephemeral port) and returns the port. Caller holds nw.mu.
func (n *Net) bind(proto int, ip netip.Addr, port uint16) (uint16, error) {
	if ip.IsValid() && !n.owns(ip) {
		return 0, syscall.EADDRNOTAVAIL
	}
	table := n.bindings(proto)
	conflict := func(port uint16) bool {
		for _, b := range table[port] {
			if !b.IsValid() || !ip.IsValid() || b == ip {
				return true
			}
		}
		return false
	}
	if port == 0 {
		for range 65536 - firstEphemeralPort {
			p := n.nextPort[proto]
			n.nextPort[proto]++
			if n.nextPort[proto] == 0 {
				n.nextPort[proto] = firstEphemeralPort
			}
			if !conflict(p) {
				port = p
				break
			}
		}
		if port == 0 {
			return 0, syscall.EADDRINUSE
		}
	} else if conflict(port) {
		return 0, syscall.EADDRINUSE
	}
	table[port] = append(table[port], ip)
	return port, nil
}

// unbind releases what bind reserved. Caller holds nw.mu.
func (n *Net) unbind(proto int, ip netip.Addr, port uint16) {
	table := n.bindings(proto)
	list := table[port]
	for i, b := range list {
		if b == ip {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(table, port)
	} else {
		table[port] = list
	}
}

// bindAddr turns a listening address into the bound form: unmapped, the
// unspecified address as the zero Addr.
func bindAddr(ip net.IP) (netip.Addr, error) {
	if len(ip) == 0 {
		return netip.Addr{}, nil
	}
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return netip.Addr{}, syscall.EADDRNOTAVAIL
	}
	a = a.Unmap()
	if a.IsUnspecified() {
		return netip.Addr{}, nil
	}
	return a, nil
}

// ipOf returns the address of a remote, unmapped.
func ipOf(ip net.IP) (netip.Addr, error) {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		if len(ip) == 0 {
			return netip.IPv4Unspecified(), nil
		}
		return netip.Addr{}, errors.New("memnet: bad IP address")
	}
	return a.Unmap(), nil
}

// shownIP is how a bound address appears in LocalAddr.
func (n *Net) shownIP(bound netip.Addr) net.IP {
	if bound.IsValid() {
		return bound.AsSlice()
	}
	if n.ip.Is4() {
		return net.IPv4zero.To4()
	}
	return net.IPv6unspecified
}

func checkNetwork(network string, kinds ...string) error {
	for _, k := range kinds {
		if network == k || network == k+"4" || network == k+"6" {
			return nil
		}
	}
	return net.UnknownNetworkError(network)
}

// ResolveIPAddr parses a literal IP address; "localhost" is 127.0.0.1.
// Host names are not resolved.
func (n *Net) ResolveIPAddr(network, address string) (*net.IPAddr, error) {
	ip, err := n.parseIP(address)
	if err != nil {
		return nil, err
	}
	return &net.IPAddr{IP: ip}, nil
}

func (n *Net) parseIP(host string) (net.IP, error) {
	switch host {
	case "":
		return nil, nil
	case "localhost":
		return net.IPv4(127, 0, 0, 1).To4(), nil
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return nil, &net.DNSError{Err: "memnet resolves no host names", Name: host, IsNotFound: true}
	}
	return a.Unmap().AsSlice(), nil
}

func (n *Net) resolve(address string) (net.IP, int, error) {
	host, sport, err := net.SplitHostPort(address)
	if err != nil {
		return nil, 0, err
	}
	ip, err := n.parseIP(host)
	if err != nil {
		return nil, 0, err
	}
	port, err := strconv.ParseUint(sport, 10, 16)
	if err != nil {
		return nil, 0, &net.AddrError{Err: "invalid port", Addr: address}
	}
	return ip, int(port), nil
}

// ResolveUDPAddr parses "host:port" with a literal IP address (or
// "localhost", or an empty host).
func (n *Net) ResolveUDPAddr(network, address string) (*net.UDPAddr, error) {
	if err := checkNetwork(network, "udp"); err != nil {
		return nil, err
	}
	ip, port, err := n.resolve(address)
	if err != nil {
		return nil, err
	}
	return &net.UDPAddr{IP: ip, Port: port}, nil
}

// ResolveTCPAddr parses "host:port" with a literal IP address (or
// "localhost", or an empty host).
func (n *Net) ResolveTCPAddr(network, address string) (*net.TCPAddr, error) {
	if err := checkNetwork(network, "tcp"); err != nil {
		return nil, err
	}
	ip, port, err := n.resolve(address)
	if err != nil {
		return nil, err
	}
	return &net.TCPAddr{IP: ip, Port: port}, nil
}

// Dial connects to address over "tcp" or "udp" (and their 4 and 6
// variants).
func (n *Net) Dial(network, address string) (net.Conn, error) {
	switch {
	case checkNetwork(network, "tcp") == nil:
		raddr, err := n.ResolveTCPAddr(network, address)
		if err != nil {
			return nil, err
		}
		return n.DialTCP(network, nil, raddr)
	case checkNetwork(network, "udp") == nil:
		raddr, err := n.ResolveUDPAddr(network, address)
		if err != nil {
			return nil, err
		}
		return n.DialUDP(network, nil, raddr)
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: net.UnknownNetworkError(network)}
}

// Interfaces returns lo (127.0.0.1/8, ::1/128) and eth0 (the host's
// address).
func (n *Net) Interfaces() ([]*transport.Interface, error) {
	lo := transport.NewInterface(net.Interface{
		Index: 1, MTU: 65536, Name: "lo", Flags: net.FlagUp | net.FlagLoopback,
	})
	lo.AddAddress(&net.IPNet{IP: net.IPv4(127, 0, 0, 1).To4(), Mask: net.CIDRMask(8, 32)})
	lo.AddAddress(&net.IPNet{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)})
	eth := transport.NewInterface(net.Interface{
		Index: 2, MTU: 65536, Name: "eth0", Flags: net.FlagUp | net.FlagRunning,
	})
	bits := 128
	if n.ip.Is4() {
		bits = 32
	}
	eth.AddAddress(&net.IPNet{IP: n.ip.AsSlice(), Mask: net.CIDRMask(bits, bits)})
	return []*transport.Interface{lo, eth}, nil
}

// InterfaceByIndex returns the interface with the given index.
func (n *Net) InterfaceByIndex(index int) (*transport.Interface, error) {
	ifs, _ := n.Interfaces()
	for _, ifc := range ifs {
		if ifc.Index == index {
			return ifc, nil
		}
	}
	return nil, fmt.Errorf("%w: index %d", transport.ErrInterfaceNotFound, index)
}

// InterfaceByName returns the interface with the given name.
func (n *Net) InterfaceByName(name string) (*transport.Interface, error) {
	ifs, _ := n.Interfaces()
	for _, ifc := range ifs {
		if ifc.Name == name {
			return ifc, nil
		}
	}
	return nil, fmt.Errorf("%w: %s", transport.ErrInterfaceNotFound, name)
}

// CreateDialer returns a dialer that dials on n. Dials complete at once,
// so the dialer's timeouts do not matter; its other fields are ignored.
func (n *Net) CreateDialer(*net.Dialer) transport.Dialer { return dialer{n} }

type dialer struct{ n *Net }

func (d dialer) Dial(network, address string) (net.Conn, error) { return d.n.Dial(network, address) }

// opError wraps err as the net package does.
func opError(op, network string, src, addr net.Addr, err error) error {
	return &net.OpError{Op: op, Net: network, Source: src, Addr: addr, Err: err}
}
