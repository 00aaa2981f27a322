package join

import (
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// relayListener is the net.Listener a Relay's Host serves: the connections forwarded by
// whichever link to the relay is up. It lives as long as the Relay, across reconnects.
type relayListener struct {
	conns   chan net.Conn // handed over by a link, taken by Accept
	closed  chan struct{}
	once    sync.Once
	onClose func()
}

func newRelayListener(onClose func()) *relayListener {
	return &relayListener{conns: make(chan net.Conn), closed: make(chan struct{}), onClose: onClose}
}

// Accept waits for the next partner coming through the relay.
func (l *relayListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops accepting, and stops the Relay.
func (l *relayListener) Close() error {
	l.once.Do(func() {
		close(l.closed)
		l.onClose()
	})
	return nil
}

// Addr returns a placeholder: where partners connect is in the Relay's status.
func (l *relayListener) Addr() net.Addr { return relayAddr("relay") }

// hand gives c to Accept; false (and c closed) if the listener closed.
func (l *relayListener) hand(c net.Conn) bool {
	select {
	case l.conns <- c:
		return true
	case <-l.closed:
		c.Close()
		return false
	}
}

// relayConn is one partner's connection through the relay: a forwarded-tcpip channel.
// Its remote address is the partner's, as the relay saw it. A deadline does not time out
// a Read or Write: when it passes, the connection is closed. That is all the Host needs
// (a bound on the handshake) and a channel offers no more.
type relayConn struct {
	ssh.Channel
	local, remote net.Addr
	onClose       func() // told once, at the first Close

	closeOnce sync.Once
	mu        sync.Mutex // guards cut
	cut       *time.Timer
}

func (c *relayConn) LocalAddr() net.Addr  { return c.local }
func (c *relayConn) RemoteAddr() net.Addr { return c.remote }

// SetDeadline closes the connection at t; the zero t cancels that.
func (c *relayConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cut != nil {
		c.cut.Stop()
		c.cut = nil
	}
	if !t.IsZero() {
		c.cut = time.AfterFunc(time.Until(t), func() { c.Channel.Close() })
	}
	return nil
}

func (c *relayConn) SetReadDeadline(t time.Time) error  { return c.SetDeadline(t) }
func (c *relayConn) SetWriteDeadline(t time.Time) error { return c.SetDeadline(t) }

func (c *relayConn) Close() error {
	c.SetDeadline(time.Time{})
	err := c.Channel.Close()
	c.closeOnce.Do(c.onClose)
	return err
}

// forwardedTCP is the payload of a forwarded-tcpip channel (RFC 4254 7.2).
type forwardedTCP struct {
	Addr       string
	Port       uint32
	OriginAddr string
	OriginPort uint32
}

// originAddr returns the partner's address from the payload: a *net.TCPAddr when it is
// an IP address, so the Host counts connections per partner IP as for direct ones.
func (p forwardedTCP) originAddr() net.Addr {
	if ip, err := netip.ParseAddr(p.OriginAddr); err == nil && p.OriginPort <= 65535 {
		return net.TCPAddrFromAddrPort(netip.AddrPortFrom(ip.Unmap(), uint16(p.OriginPort)))
	}
	return relayAddr(net.JoinHostPort(p.OriginAddr, strconv.FormatUint(uint64(p.OriginPort), 10)))
}

// relayAddr is an address known only by its text.
type relayAddr string

func (a relayAddr) Network() string { return "tcp" }
func (a relayAddr) String() string  { return string(a) }
