package sessions

import (
	"io"
	"math"
	"time"
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
	// echoWait is how long after a key a client behind gets an update, whatever the
	// above, and for echoFor after it one every minUpdateGap: the echo of what it typed
	// (a busy program answers within a few milliseconds) shows after a round trip, not
	// up to half a round trip later.
	echoWait = 5 * time.Millisecond
	echoFor  = 50 * time.Millisecond
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
	case !f.known && p.MinRTT > 0 && p.MinRTT < distant:
		// A near path is never paced (see slow): once its round trip is known, a late
		// join's history and repaint need not wait for pings (one every nearPingGap).
		return math.MaxInt64
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
// typed is when the client last typed.
func (f *flow) ready(p Progress, now time.Time, budget int, behind bool, typed time.Time) (bool, time.Duration) {
	if p.Written-p.Acked >= f.window(p, now, budget) {
		f.limited = true
		return false, 0
	}
	if !behind {
		return true, 0
	}
	if typed.After(f.lastUpdate) {
		// An update for the echo, once the program had time to answer.
		if wait := typed.Add(echoWait).Sub(now); wait > 0 {
			return false, wait
		}
		return true, 0
	}
	gap := min(max(f.srtt/2, minUpdateGap), maxUpdateGap)
	if now.Sub(typed) < echoFor {
		gap = minUpdateGap // the echo may come a little later
	} else if len(f.updates) >= updatesOnTheWay {
		return false, 0
	}
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
