package duettest

import (
	"bytes"
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Proxy is a TCP proxy on loopback in front of a server: a network under the test's
// control. The test can cut its connections, black-hole them, make it refuse new ones,
// and read every byte it carried.
type Proxy struct {
	l      net.Listener
	target string
	record bool
	wan    *wan // nil: a loopback network, as fast as it goes
	wg     sync.WaitGroup

	mu     sync.Mutex // guards the fields below
	pairs  []*proxyPair
	count  int  // connections forwarded
	refuse bool // close new connections at once
	seen   bytes.Buffer
}

// proxyPair is one forwarded connection.
type proxyPair struct {
	p       *Proxy
	in, out net.Conn
	hole    atomic.Bool // drop what comes, both ways, and keep the connection open
}

// NewProxy forwards connections to target until the test ends.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	return newProxy(tb, target, false)
}

// NewRecorder is a Proxy that also keeps every byte it carries, both ways (see
// [Proxy.Recorded]): what a relay in the middle sees.
func NewRecorder(tb testing.TB, target string) *Proxy {
	tb.Helper()
	return newProxy(tb, target, true)
}

func newProxy(tb testing.TB, target string, record bool) *Proxy {
	tb.Helper()
	return startProxy(tb, &Proxy{target: target, record: record})
}

func startProxy(tb testing.TB, p *Proxy) *Proxy {
	tb.Helper()
	var lc net.ListenConfig
	if p.wan != nil {
		lc.Control = segmentControl
	}
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p.l = l
	p.wg.Go(p.accept)
	tb.Cleanup(func() {
		l.Close()
		p.Cut()
		p.wg.Wait()
	})
	return p
}

// Addr is the proxy's address: where the test connects instead of the target.
func (p *Proxy) Addr() string { return p.l.Addr().String() }

func (p *Proxy) accept() {
	for {
		in, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refuse := p.refuse
		p.mu.Unlock()
		if refuse {
			in.Close()
			continue
		}
		var d net.Dialer
		if p.wan != nil {
			d.Control = segmentControl
		}
		out, err := d.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		pair := &proxyPair{p: p, in: in, out: out}
		p.mu.Lock()
		p.pairs = append(p.pairs, pair)
		p.count++
		p.mu.Unlock()
		if p.wan != nil {
			p.wan.forward(&p.wg, pair)
			continue
		}
		p.wg.Go(func() { pair.copy(out, in) })
		p.wg.Go(func() { pair.copy(in, out) })
	}
}

func (pp *proxyPair) copy(dst, src net.Conn) {
	defer func() {
		if !pp.hole.Load() { // a network gone silent does not pass the end on either
			dst.Close()
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !pp.hole.Load() {
			if pp.p.record {
				pp.p.mu.Lock()
				pp.p.seen.Write(buf[:n])
				pp.p.mu.Unlock()
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Cut drops every connection through the proxy, as a network failure would.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pp := range p.pairs {
		pp.in.Close()
		pp.out.Close()
	}
	p.pairs = nil
}

// BlackHole makes the current connections lose everything, silently, as a network that
// went away without a word does.
func (p *Proxy) BlackHole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pp := range p.pairs {
		pp.hole.Store(true)
	}
}

// SetRefuse makes new connections fail (true) or go through again (false).
func (p *Proxy) SetRefuse(refuse bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuse = refuse
}

// Accepted returns how many connections the proxy forwarded.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count
}

// Recorded returns every byte a recorder carried so far, both ways.
func (p *Proxy) Recorded() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.seen.Bytes())
}
