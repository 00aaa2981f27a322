package sessions

import (
	"io"
	"math"
	"runtime"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// Link is a client's connection when its other end acknowledges what it received (the
// SSH channel of a partner, whose client answers a ping once it has read what came
// before: sessions/host). [Client.CopyTo] paces output to a Link: it keeps about what the
// path carries in a round trip on the way, and a client that cannot keep up gets the
// current screen, as a diff from what it has, instead of the backlog.
type Link interface {
	io.Writer
	// Progress says how far the other end has got.
	Progress() Progress
	// Acked receives a value (it is buffered, one deep) whenever an acknowledgement
	// arrived since it was last read.
	Acked() <-chan struct{}
}

// Progress is how far a Link's other end has got.
type Progress struct {
	Written int64 // bytes written to the link so far
	Acked   int64 // of those, the bytes the other end has acknowledged
	// RTT is the round trip of the latest acknowledgement, MinRTT the smallest lately
	// (the path's own delay: what RTT has on top is time spent in queues); both 0 before
	// the first.
	RTT, MinRTT time.Duration
	AckedAt     time.Time // when the latest acknowledgement came
}

// Pacing: how much may be on the way to a Link, and when a client counts as behind.
const (
	// lagLimit is the lag that makes a client of a slow link behind (see flow.lag).
	lagLimit = 100 * time.Millisecond
	// distant is the round trip from which a path counts as distant.
	distant = 5 * time.Millisecond
	// minWindow and firstWindow bound the bytes on the way: the least, and before the
	// first acknowledgement.
	minWindow   = 16 << 10
	firstWindow = 32 << 10
	// windowSlack is time added to the round trip for the window, so that a path with
	// a tiny round trip (loopback, a LAN) is never held up by the pinging itself.
	windowSlack = 10 * time.Millisecond
	// rawWhileBehind is the output a client behind still gets as it is (a key's echo):
	// more is sent as an update of the screen.
	rawWhileBehind = 1 << 10
	// A client behind gets an update every half round trip at most (as mosh), between
	// these, and no more while updatesOnTheWay are not acknowledged (with one ping on
	// the way at a time, an update is acknowledged one or two round trips after it
	// left: three allows one every half round trip).
	minUpdateGap    = 20 * time.Millisecond
	maxUpdateGap    = 250 * time.Millisecond
	updatesOnTheWay = 3
	// caughtUp is how long a client behind has to get only small output before it gets
	// output as it is again.
	caughtUp = time.Second
)

// flow is what a client's writer knows of its Link.
type flow struct {
	seen    Progress   // the Progress of the latest acknowledgement taken in
	rates   [16]sample // recent delivery rates of a busy link
	next    int        // where the next sample goes in rates
	limited bool       // output waited for the window since the latest acknowledgement
	known   bool       // a rate was measured while output waited: the link's, not ours
	srtt    time.Duration

	updates    []int64   // where each update on the way ends (Progress.Written after it)
	lastUpdate time.Time // when the latest update was written
}

// sample is a delivery rate (bytes per second) measured at a time.
type sample struct {
	rate float64
	at   time.Time
}

// rateFor is how long a delivery rate counts toward the best one.
const rateFor = 2 * time.Second

// see takes in the link's progress: a new acknowledgement gives a delivery rate (kept
// when the link was busy, or when it is the best yet) and a round trip.
func (f *flow) see(p Progress) {
	if p.Acked <= f.seen.Acked || p.AckedAt.Equal(f.seen.AckedAt) {
		return
	}
	if !f.seen.AckedAt.IsZero() {
		// With one ping on the way at a time, acknowledgements are at least a round
		// trip apart: no burst of them makes a rate larger than the path's.
		dt := p.AckedAt.Sub(f.seen.AckedAt)
		rate := float64(p.Acked-f.seen.Acked) / max(dt, p.MinRTT, time.Millisecond).Seconds()
		if f.limited || rate > f.rate(p.AckedAt) {
			f.rates[f.next] = sample{rate, p.AckedAt}
			f.next = (f.next + 1) % len(f.rates)
			f.known = f.known || f.limited
		}
	}
	if f.srtt == 0 {
		f.srtt = p.RTT
	} else {
		f.srtt += (p.RTT - f.srtt) / 8
	}
	f.limited = false
	f.seen = p
	for len(f.updates) > 0 && f.updates[0] <= p.Acked {
		f.updates = f.updates[1:]
	}
}

// rate returns the best delivery rate of the last rateFor before now (else the latest
// one kept); 0 before the first.
func (f *flow) rate(now time.Time) float64 {
	best := 0.0
	for _, s := range f.rates {
		if now.Sub(s.at) <= rateFor {
			best = max(best, s.rate)
		}
	}
	if best == 0 {
		best = f.rates[(f.next+len(f.rates)-1)%len(f.rates)].rate
	}
	return best
}

// slow reports whether the link is slow enough for pacing: what it delivers in lagLimit
// is less than budget, the most a client may have queued, and its round trip is that of
// a distant path. A faster link, or a near one (the same machine, a LAN: there the CPU,
// not the network, is what slows a client down, and acknowledgements late for that
// reason say nothing of the network), is not paced: its queue's budget bounds its lag.
// A link is not slow until its rate was measured while output waited for it (a rate
// measured while output was scarce says how much output there was, not what the link
// takes).
func (f *flow) slow(now time.Time, budget int) bool {
	return f.known && f.seen.MinRTT >= distant && f.rate(now)*lagLimit.Seconds() < float64(budget)
}

// window returns the bytes that may be on the way to a slow link: what it delivers, at
// the best rate seen while it was busy, in the time an acknowledgement takes (smoothed)
// plus the path's round trip and a little more. That is two round trips' worth on an
// idle path (one ping on the way at a time acknowledges what was sent one or two round
// trips before); a round trip that grows (output queued on the way, or a busy host) lets
// the window grow with it, so a client is never held back by its own acknowledgements,
// and output queued on the way makes the client behind (lag) long before it matters.
func (f *flow) window(p Progress, now time.Time, budget int) int64 {
	w := int64(f.rate(now) * (f.srtt + p.MinRTT + windowSlack).Seconds())
	switch {
	case !f.known:
		return max(firstWindow, w)
	case !f.slow(now, budget):
		return math.MaxInt64
	default:
		return max(minWindow, w)
	}
}

// lag returns how far behind a client with pending bytes queued is: the time they take
// to leave at the link's rate, and the time output spends in the network's queues
// (acknowledgements slower than the path's round trip). It is 0 for a link that is not
// slow.
func (f *flow) lag(p Progress, now time.Time, budget, pending int) time.Duration {
	if !f.slow(now, budget) {
		return 0
	}
	wait := time.Duration(float64(pending) / f.rate(now) * float64(time.Second))
	return wait + max(p.RTT-p.MinRTT, 0)
}

// ready says whether the link may take more output now (an update, if behind), and if
// not, how long to wait at most before asking again (0: until an acknowledgement).
func (f *flow) ready(p Progress, now time.Time, budget int, behind bool) (bool, time.Duration) {
	if p.Written-p.Acked >= f.window(p, now, budget) {
		f.limited = true
		return false, 0
	}
	if !behind {
		return true, 0
	}
	if len(f.updates) >= updatesOnTheWay {
		return false, 0
	}
	gap := min(max(f.srtt/2, minUpdateGap), maxUpdateGap)
	if wait := f.lastUpdate.Add(gap).Sub(now); wait > 0 {
		return false, wait
	}
	return true, 0
}

// wrote records an update that ends at offset end of the link.
func (f *flow) wrote(end int64, now time.Time) {
	f.updates = append(f.updates, end)
	f.lastUpdate = now
}

// copyPaced is CopyTo for a Link: output as it comes while the link keeps up, and the
// current screen, as updates (terminal/vt's AppendUpdate), while it does not.
func (c *Client) copyPaced(l Link) error {
	c.mu.Lock()
	c.link = l
	c.mu.Unlock()
	var f flow
	var buf []byte
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if !c.waitOutput() {
			// Ended: what is left goes out whatever the link.
			out, _, err := c.takePaced(buf[:0], &f, l.Progress(), time.Now())
			if len(out) > 0 {
				if _, werr := l.Write(out); werr != nil {
					return werr
				}
			}
			return err
		}
		p := l.Progress()
		f.see(p)
		now := time.Now()
		if ok, wait := f.ready(p, now, c.budget, c.isBehind()); !ok {
			var tc <-chan time.Time
			if wait > 0 {
				if timer == nil {
					timer = time.NewTimer(wait)
				} else {
					timer.Reset(wait)
				}
				tc = timer.C
			}
			select {
			case <-l.Acked():
			case <-tc:
			case <-c.gone:
			}
			if timer != nil && tc != nil && !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			continue
		}
		out, update, err := c.takePaced(buf[:0], &f, p, now)
		if len(out) > 0 {
			if _, werr := l.Write(out); werr != nil {
				c.Detach()
				return werr
			}
			if update {
				f.wrote(l.Progress().Written, time.Now())
			}
		}
		if err != nil || c.isDone() {
			return err
		}
		buf = out
		if cap(buf) > 256<<10 {
			buf = nil
		}
	}
}

// RoundTrip returns the smallest recent round trip to the client's terminal when its
// output goes to a [Link] (a partner's SSH channel); 0 otherwise, or before it is known.
func (c *Client) RoundTrip() time.Duration {
	c.mu.Lock()
	l := c.link
	c.mu.Unlock()
	if l == nil {
		return 0
	}
	return l.Progress().MinRTT
}

// waitOutput waits until the client has output to send; false once it ended.
func (c *Client) waitOutput() bool {
	yielded := false
	for {
		c.mu.Lock()
		n, over, ended := len(c.pending), c.overflow, c.ended
		c.mu.Unlock()
		switch {
		case ended:
			return false
		case over:
			return true
		case n > 0 && n < batchBytes && !yielded:
			// As in next: let the reader add what it has first.
			runtime.Gosched()
			yielded = true
		case n > 0:
			return true
		default:
			<-c.wake
		}
	}
}

// isBehind reports whether the client gets updates of the screen.
func (c *Client) isBehind() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shadow != nil
}

// isDone reports whether the client ended and its last output was taken.
func (c *Client) isDone() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ended && len(c.pending) == 0
}

// takePaced takes the output to write now into buf: what came, or an update of the
// screen when the client is behind. update says which; err is set once the client
// ended (with its last output in out).
func (c *Client) takePaced(buf []byte, f *flow, p Progress, now time.Time) (out []byte, update bool, err error) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		out, c.pending = append(buf, c.pending...), c.pending[:0]
		return out, false, c.endErr
	}
	if c.shadow == nil {
		curtain := s.paused.Load() && !c.host // what is pending is the curtain, or nothing
		if curtain || !c.overflow && f.lag(p, now, c.budget, len(c.pending)) <= lagLimit {
			// Keeping up: the output as it is, as much as the window takes.
			n := len(c.pending)
			if room := f.window(p, now, c.budget) - (p.Written - p.Acked); room < int64(n) {
				n = max(int(room), min(n, batchBytes))
			}
			out = append(buf, c.pending[:n]...)
			c.pending = append(c.pending[:0], c.pending[n:]...)
			return out, false, nil
		}
		// Behind: the current screen instead of the backlog (CAN first: the last output
		// may have stopped inside an escape sequence), and updates from now on.
		c.drops++
		cols, rows := s.screen.Size()
		c.shadow = vt.New(cols, rows, vt.Options{Scrollback: -1})
		out = s.screen.AppendRepaint(append(buf, 0x18))
		c.shadow.Write(out)
		c.pending, c.overflow = c.pending[:0], false
		c.grounded = s.screen.Ground()
		return out, true, nil
	}
	if !c.overflow && c.grounded && len(c.pending) <= rawWhileBehind && f.lag(p, now, c.budget, 0) < lagLimit/2 {
		// A little output (an echo) goes as it is, and the model follows.
		out = append(buf, c.pending...)
		c.shadow.Write(out)
		c.pending = c.pending[:0]
		if now.Sub(f.lastUpdate) > caughtUp {
			c.shadow = nil // caught up: output as it is from now on
		}
		return out, false, nil
	}
	out = s.screen.AppendUpdate(buf, c.shadow)
	c.pending, c.overflow = c.pending[:0], false
	c.grounded = s.screen.Ground()
	return out, true, nil
}
