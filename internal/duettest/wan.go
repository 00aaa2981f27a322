package duettest

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Link is one direction of a network path, as far-away partners have it: a bottleneck
// (the slowest hop, with its router's buffer) and the time a byte takes to cross.
type Link struct {
	// Delay is the one-way delay: a round trip takes the Delay of both directions.
	Delay time.Duration
	// Rate is the bottleneck's speed in bits per second; 0 means no bottleneck.
	Rate int64
	// Queue is how many bytes the bottleneck's buffer holds before the sender has to
	// wait; 0 means one bandwidth-delay product of a round trip of twice Delay (the
	// usual rule for a router's buffer), and at least 16 KiB.
	Queue int
}

// segment is the most the shaper sends as one piece (an Ethernet frame's payload).
const segment = 1448

// queueBytes returns the bottleneck's buffer.
func (l Link) queueBytes() int {
	if l.Queue > 0 {
		return l.Queue
	}
	return max(int(l.Rate*int64(2*l.Delay)/int64(8*time.Second)), 16<<10)
}

// serialize returns how long n bytes take to leave the bottleneck.
func (l Link) serialize(n int) time.Duration {
	if l.Rate <= 0 {
		return 0
	}
	return time.Duration(int64(n) * 8 * int64(time.Second) / l.Rate)
}

// onWire returns the bytes that may be between the bottleneck and the far end: what the
// link carries in its delay, with room for a burst.
func (l Link) onWire() int {
	rate := l.Rate
	if rate <= 0 {
		rate = 1 << 30 // a loopback's worth
	}
	return int(rate*int64(l.Delay)/int64(8*time.Second)) + 256<<10
}

// wan shapes every connection of a Proxy.
type wan struct {
	down, up   Link
	downN, upN atomic.Int64 // bytes delivered each way
}

// NewWAN is a Proxy whose connections cross a slow, distant network: down is the path
// from the target to whoever connects (the server's output), up the other way. Each
// direction of each connection has its own bottleneck, which takes bytes from the sender
// only while its buffer has room (so the sender's TCP sees the rate as a full window), and
// delivers them Delay after they left it, in order, with nothing lost. Cut, BlackHole and
// SetRefuse work as on any Proxy; [Proxy.Carried] counts the bytes delivered.
func NewWAN(tb testing.TB, target string, down, up Link) *Proxy {
	tb.Helper()
	return startProxy(tb, &Proxy{target: target, wan: &wan{down: down, up: up}})
}

// Carried returns the bytes a WAN proxy delivered so far: down (from the target) and up.
func (p *Proxy) Carried() (down, up int64) {
	if p.wan == nil {
		return 0, 0
	}
	return p.wan.downN.Load(), p.wan.upN.Load()
}

// forward starts shaping both directions of pair.
func (w *wan) forward(wg *sync.WaitGroup, pair *proxyPair) {
	for _, d := range []struct {
		dst, src net.Conn
		link     Link
		n        *atomic.Int64
	}{{pair.in, pair.out, w.down, &w.downN}, {pair.out, pair.in, w.up, &w.upN}} {
		if tc, ok := d.src.(*net.TCPConn); ok && segmentControl != nil {
			// A small receive buffer: the sender waits at the bottleneck, not in our kernel.
			tc.SetReadBuffer(16 << 10)
		}
		sh := &shaper{pair: pair, dst: d.dst, src: d.src, link: d.link, n: d.n, wake: make(chan struct{}, 1), room: make(chan struct{}, 1)}
		wg.Go(sh.read)
		wg.Go(sh.write)
	}
}

// shaper carries one direction of a connection across a Link.
type shaper struct {
	pair     *proxyPair
	dst, src net.Conn
	link     Link
	n        *atomic.Int64
	wake     chan struct{} // the writer has something new; buffered 1
	room     chan struct{} // the writer delivered something; buffered 1

	mu     sync.Mutex // guards the fields below
	line   []piece    // in order: queued at the bottleneck or on the wire
	held   int        // bytes in line
	free   time.Time  // when the bottleneck is done with what it holds
	closed bool       // the source ended: the writer ends once line is empty
}

// piece is bytes crossing the link: they leave the bottleneck at depart and arrive at
// arrive.
type piece struct {
	b              []byte
	depart, arrive time.Time
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// read takes bytes from the sender as fast as the bottleneck's buffer lets it, half a
// buffer at a time at most (a sleep here lasts a millisecond or more whatever is asked:
// the rate must not depend on how often read wakes up).
func (sh *shaper) read() {
	defer func() {
		sh.mu.Lock()
		sh.closed = true
		sh.mu.Unlock()
		signal(sh.wake)
	}()
	buf := make([]byte, min(32<<10, sh.link.queueBytes()/2))
	for {
		n, err := sh.src.Read(buf)
		if n > 0 && !sh.admit(buf[:n]) {
			return
		}
		if err != nil {
			return
		}
	}
}

// admit waits until the bottleneck has room for b, then queues it in segments; false
// once the connection is gone.
func (sh *shaper) admit(b []byte) bool {
	for {
		sh.mu.Lock()
		now := time.Now()
		queued := 0
		for i := len(sh.line) - 1; i >= 0 && sh.line[i].depart.After(now); i-- {
			queued += len(sh.line[i].b)
		}
		var wait time.Duration
		switch {
		case sh.held+len(b) > sh.link.queueBytes()+sh.link.onWire():
			wait = -1 // the far end is not reading: wait for the writer
		case queued+len(b) > sh.link.queueBytes():
			// Wait until enough has left the bottleneck.
			need := queued + len(b) - sh.link.queueBytes()
			for _, p := range sh.line {
				if !p.depart.After(now) {
					continue
				}
				if need -= len(p.b); need <= 0 {
					wait = p.depart.Sub(now)
					break
				}
			}
		default:
			for len(b) > 0 {
				k := min(len(b), segment)
				start := sh.free
				if start.Before(now) {
					start = now
				}
				p := piece{b: append([]byte(nil), b[:k]...), depart: start.Add(sh.link.serialize(k))}
				p.arrive = p.depart.Add(sh.link.Delay)
				sh.free = p.depart
				sh.line = append(sh.line, p)
				sh.held += k
				b = b[k:]
			}
			sh.mu.Unlock()
			signal(sh.wake)
			return true
		}
		sh.mu.Unlock()
		if !sh.sleep(wait) {
			return false
		}
	}
}

// sleep waits d (or, for a negative d, until the writer delivers something); false once
// the connection is gone.
func (sh *shaper) sleep(d time.Duration) bool {
	if d < 0 {
		t := time.NewTimer(time.Second)
		defer t.Stop()
		select {
		case <-sh.room:
		case <-t.C:
		}
	} else {
		time.Sleep(d)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return !sh.closed
}

// write delivers what arrived, in order, and passes the end on once everything has.
func (sh *shaper) write() {
	defer func() {
		if !sh.pair.hole.Load() {
			sh.dst.Close()
		}
		sh.src.Close() // stops read, if the far end went first
	}()
	var out []byte
	for {
		sh.mu.Lock()
		if len(sh.line) == 0 {
			closed := sh.closed
			sh.mu.Unlock()
			if closed {
				return
			}
			<-sh.wake
			continue
		}
		now := time.Now()
		if wait := sh.line[0].arrive.Sub(now); wait > 0 {
			sh.mu.Unlock()
			time.Sleep(wait)
			continue
		}
		out = out[:0]
		n := 0
		for n < len(sh.line) && !sh.line[n].arrive.After(now) {
			out = append(out, sh.line[n].b...)
			n++
		}
		sh.line = append(sh.line[:0], sh.line[n:]...)
		sh.held -= len(out)
		sh.mu.Unlock()
		signal(sh.room)
		if sh.pair.hole.Load() {
			continue
		}
		if _, err := sh.dst.Write(out); err != nil {
			sh.mu.Lock()
			sh.closed = true
			sh.mu.Unlock()
			return
		}
		sh.n.Add(int64(len(out)))
	}
}
