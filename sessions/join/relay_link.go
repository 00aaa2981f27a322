package join

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions/wire"
)

// ErrForwardRefused is matched (errors.Is) by the error of a relay that refused to
// listen for the host: the port is taken there, or its sshd forbids remote forwarding.
var ErrForwardRefused = errors.New("the relay refused to listen for us")

// probeTimeout bounds the check of whether the relay's port is reachable from outside.
const probeTimeout = 5 * time.Second

// relayLink is one SSH connection to the relay with its forward. A Relay has one link at
// a time; a reconnect makes a new one.
type relayLink struct {
	s      *session
	chans  <-chan ssh.NewChannel // forwarded-tcpip channels: partners connecting
	port   int                   // the port the relay listens on
	status RelayStatus           // RelayListening, with the address partners use

	gone      chan struct{} // closed when the connection ended
	quit      chan struct{} // closed by close: stops the keepalive
	closeOnce sync.Once
	wg        sync.WaitGroup // the channel pump, the keepalive, each channel's requests

	mu   sync.Mutex    // guards the fields below
	open int           // partners' connections not closed yet
	idle chan struct{} // closed when open drops to 0, if someone waits for that
}

// drainTimeout bounds how long a stopping relay keeps its link for partners' connections
// to end: the Host closes them once they got its parting message.
const drainTimeout = wire.KickGrace + time.Second

// tcpipForward is the payload of tcpip-forward (RFC 4254 7.1).
type tcpipForward struct {
	Addr string
	Port uint32
}

// connect logs in to the relay, asks for the forward, finds out whether partners can
// reach it from elsewhere, and starts handing its connections to the Host.
func (r *Relay) connect(ctx context.Context, first bool) (*relayLink, error) {
	lk := &relayLink{gone: make(chan struct{}), quit: make(chan struct{})}
	s, err := r.login.dial(ctx, first, func(client *ssh.Client) error {
		// Before the forward: its connections may come at once.
		lk.chans = client.HandleChannelOpen("forwarded-tcpip")
		if lk.chans == nil {
			return errors.New("relay: forwarded connections already handled")
		}
		port, err := r.forward(client)
		lk.port = port
		return err
	})
	if err != nil {
		return nil, err
	}
	lk.s = s
	lk.wg.Go(func() { lk.pump(r.ln) })
	if ka := r.keepAlive(); ka > 0 {
		lk.wg.Go(func() { keepAlive(s.client, s.nc, ka, lk.quit, nil) })
	}
	r.port = lk.port // asked for again after a drop
	lk.status = RelayStatus{State: RelayListening, Port: lk.port, Public: r.probe(ctx, lk.port)}
	if lk.status.Public {
		lk.status.Host = r.Server.Host
	} else {
		lk.status.Host = "localhost"
		lk.status.Jump = r.Server.Host
		if r.Server.Port != DefaultSSHPort {
			lk.status.Jump = r.Server.HostPort()
		}
	}
	r.log.Info("relay listening", "port", lk.port, "public", lk.status.Public)
	return lk, nil
}

// forward asks the relay to listen on the port wanted, on all its addresses if its sshd
// allows it (GatewayPorts), else on its loopback; it returns the port.
func (r *Relay) forward(client *ssh.Client) (int, error) {
	want := r.port
	for {
		ok, resp, err := client.SendRequest("tcpip-forward", true, ssh.Marshal(&tcpipForward{Addr: "", Port: uint32(want)}))
		if err != nil {
			return 0, fmt.Errorf("relay %s: ask for a forward: %w", r.Server, err)
		}
		if !ok && want != 0 && want != r.Port {
			// The port the relay picked last time is taken now (maybe still by the link
			// that dropped): take another.
			r.log.Info("relay port taken; asking for another", "port", want)
			want = 0
			continue
		}
		if !ok && want == 0 {
			return 0, fmt.Errorf("%w: its sshd does not allow remote forwarding (AllowTcpForwarding)", ErrForwardRefused)
		}
		if !ok {
			return 0, fmt.Errorf("%w on port %d: it is taken there, or its sshd does not allow remote forwarding (AllowTcpForwarding)", ErrForwardRefused, want)
		}
		if want != 0 {
			return want, nil
		}
		var picked struct{ Port uint32 }
		if err := ssh.Unmarshal(resp, &picked); err != nil || picked.Port == 0 || picked.Port > 65535 {
			return 0, fmt.Errorf("relay %s: no port in the answer to the forward", r.Server)
		}
		return int(picked.Port), nil
	}
}

// probe reports whether the relay's port is reachable at the relay's address from here:
// if its sshd has GatewayPorts no, the port listens on the relay's loopback only.
func (r *Relay) probe(ctx context.Context, port int) bool {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(r.Server.Host, strconv.Itoa(port)))
	if err != nil {
		r.log.Info("relay port not reachable from here: on the relay's loopback only", "port", port, "err", err)
		return false
	}
	c.Close() // the Host sees a connection that ends before its handshake
	return true
}

func (r *Relay) keepAlive() time.Duration {
	if r.KeepAlive < 0 {
		return 0
	}
	return orDefault(r.KeepAlive, DefaultKeepAlive)
}

// pump accepts each partner's connection and hands it to the Host, until the connection
// to the relay ends.
func (lk *relayLink) pump(ln *relayListener) {
	defer close(lk.gone)
	for nch := range lk.chans {
		var p forwardedTCP
		if err := ssh.Unmarshal(nch.ExtraData(), &p); err != nil || int(p.Port) != lk.port {
			nch.Reject(ssh.Prohibited, "no such forward")
			continue
		}
		select {
		case <-ln.closed:
			nch.Reject(ssh.ConnectionFailed, "the host stopped sharing")
			continue
		default:
		}
		ch, reqs, err := nch.Accept()
		if err != nil {
			continue
		}
		lk.wg.Go(func() { ssh.DiscardRequests(reqs) }) // ends with the channel
		local := relayAddr(net.JoinHostPort(p.Addr, strconv.Itoa(lk.port)))
		lk.mu.Lock()
		lk.open++
		lk.mu.Unlock()
		ln.hand(&relayConn{Channel: ch, local: local, remote: p.originAddr(), onClose: lk.connClosed})
	}
}

func (lk *relayLink) connClosed() {
	lk.mu.Lock()
	defer lk.mu.Unlock()
	if lk.open--; lk.open == 0 && lk.idle != nil {
		close(lk.idle)
		lk.idle = nil
	}
}

// drained returns a channel closed once no partner's connection is open.
func (lk *relayLink) drained() <-chan struct{} {
	lk.mu.Lock()
	defer lk.mu.Unlock()
	ch := make(chan struct{})
	if lk.open == 0 {
		close(ch)
	} else {
		lk.idle = ch
	}
	return ch
}

// wait waits until the connection to the relay ends, or stop is closed, and says why it
// ended. After stop it keeps the connection for the partners' connections to end (so
// that they get the Host's parting message), up to drainTimeout or until cut is closed.
// It returns once every goroutine of the link is gone.
func (lk *relayLink) wait(stop, cut <-chan struct{}) error {
	select {
	case <-lk.gone:
	case <-stop:
		t := time.NewTimer(drainTimeout)
		select {
		case <-lk.drained():
		case <-lk.gone:
		case <-cut:
		case <-t.C:
		}
		t.Stop()
	}
	lk.close()
	cause := lk.s.nc.readErr()
	if cause == nil || errors.Is(cause, io.EOF) {
		cause = errConnLost
	}
	return cause
}

// close ends the connection (the relay drops the forward with it) and waits for the
// link's goroutines.
func (lk *relayLink) close() {
	lk.closeOnce.Do(func() {
		close(lk.quit)
		lk.s.client.Close()
	})
	lk.wg.Wait()
}
