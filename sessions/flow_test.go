package sessions

import (
	"math"
	"testing"
	"time"
)

// ackLink plays acknowledgements into a flow: a link with round trip rtt that delivers
// rate bytes per second, the writer always waiting for it (limited) or not.
type ackLink struct {
	f       *flow
	now     time.Time
	p       Progress
	rtt     time.Duration
	rate    float64
	limited bool
}

func newAckLink(rtt time.Duration, rate float64, limited bool) *ackLink {
	return &ackLink{f: &flow{}, now: time.Unix(1000, 0), rtt: rtt, rate: rate, limited: limited}
}

// acks plays n acknowledgements, one round trip apart.
func (l *ackLink) acks(n int) {
	for range n {
		l.now = l.now.Add(l.rtt)
		l.p.Written += int64(l.rate * l.rtt.Seconds())
		l.p.Acked = l.p.Written
		l.p.RTT, l.p.MinRTT, l.p.AckedAt = l.rtt, l.rtt, l.now
		l.f.limited = l.limited
		l.f.see(l.p)
	}
}

func TestFlowPacesOnlySlowDistantLinks(t *testing.T) {
	const budget = DefaultQueueBytes
	for _, tc := range []struct {
		name    string
		rtt     time.Duration
		rate    float64
		limited bool
		slow    bool
	}{
		{"1 Mbit/s far away", 150 * time.Millisecond, 125e3, true, true},
		{"10 Mbit/s far away", 150 * time.Millisecond, 1.25e6, true, true},
		{"100 Mbit/s far away: the queue's budget is enough", 150 * time.Millisecond, 12.5e6, true, false},
		{"slow but near (a busy host, a LAN)", time.Millisecond, 125e3, true, false},
		{"far away, never waited for: the rate is the output's, not the link's", 150 * time.Millisecond, 125e3, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newAckLink(tc.rtt, tc.rate, tc.limited)
			l.acks(5)
			if got := l.f.slow(l.now, budget); got != tc.slow {
				t.Fatalf("slow = %v, want %v (rate %.0f)", got, tc.slow, l.f.rate(l.now))
			}
			w := l.f.window(l.p, l.now, budget)
			switch {
			case !tc.limited:
				if w > firstWindow*4 {
					t.Errorf("window %d before the link's rate is known", w)
				}
			case !tc.slow:
				if w != math.MaxInt64 {
					t.Errorf("window %d for a link that is not paced", w)
				}
			default:
				// About two round trips' worth (srtt + MinRTT), and a little.
				bdp := tc.rate * tc.rtt.Seconds()
				if float64(w) < 2*bdp || float64(w) > 2*bdp+tc.rate*0.02+minWindow {
					t.Errorf("window %d for a bandwidth-delay product of %.0f", w, bdp)
				}
			}
		})
	}
}

func TestFlowLag(t *testing.T) {
	l := newAckLink(150*time.Millisecond, 125e3, true)
	l.acks(5)
	if lag := l.f.lag(l.p, l.now, DefaultQueueBytes, 125e3/10); lag < 90*time.Millisecond || lag > 110*time.Millisecond {
		t.Errorf("12.5 KB at 125 KB/s: lag %v, want 100 ms", lag)
	}
	l.p.RTT = 350 * time.Millisecond // 200 ms in queues on the way
	if lag := l.f.lag(l.p, l.now, DefaultQueueBytes, 0); lag != 200*time.Millisecond {
		t.Errorf("queued 200 ms: lag %v", lag)
	}
	near := newAckLink(time.Millisecond, 125e3, true)
	near.acks(5)
	if lag := near.f.lag(near.p, near.now, DefaultQueueBytes, 1<<20); lag != 0 {
		t.Errorf("a near link's lag is %v; the queue's budget bounds it", lag)
	}
}

func TestFlowUpdatesBehind(t *testing.T) {
	l := newAckLink(150*time.Millisecond, 125e3, true)
	l.acks(5)
	now := l.now
	if ok, _ := l.f.ready(l.p, now, DefaultQueueBytes, true, time.Time{}); !ok {
		t.Fatal("the first update is not ready")
	}
	l.f.wrote(l.p.Written+3000, now)
	l.p.Written += 3000
	// The next one waits half a round trip.
	ok, wait := l.f.ready(l.p, now, DefaultQueueBytes, true, time.Time{})
	if ok || wait != 75*time.Millisecond {
		t.Fatalf("ready %v, wait %v; want to wait 75 ms", ok, wait)
	}
	// A key typed: an update 5 ms after it, for its echo.
	typed := now.Add(10 * time.Millisecond)
	if ok, wait := l.f.ready(l.p, typed, DefaultQueueBytes, true, typed); ok || wait != echoWait {
		t.Fatalf("right after a key: ready %v, wait %v", ok, wait)
	}
	if ok, _ := l.f.ready(l.p, typed.Add(echoWait), DefaultQueueBytes, true, typed); !ok {
		t.Fatal("no update for the echo")
	}
	// For a moment after the key, updates come every minUpdateGap (the echo may be late).
	l.f.wrote(l.p.Written, typed.Add(echoWait))
	if ok, wait := l.f.ready(l.p, typed.Add(echoWait+5*time.Millisecond), DefaultQueueBytes, true, typed); ok || wait != minUpdateGap-5*time.Millisecond {
		t.Fatalf("soon after a key: ready %v, wait %v", ok, wait)
	}
	l.f.updates = l.f.updates[:1]
	// No more than updatesOnTheWay unacknowledged, however long it has been.
	for i := range updatesOnTheWay - 1 {
		l.f.wrote(l.p.Written+int64(i+1)*3000, now)
	}
	if ok, wait := l.f.ready(l.p, now.Add(time.Second), DefaultQueueBytes, true, time.Time{}); ok || wait != 0 {
		t.Fatalf("with %d updates on the way: ready %v, wait %v", len(l.f.updates), ok, wait)
	}
	// Not behind: output goes as soon as the window has room.
	if ok, _ := l.f.ready(l.p, now, DefaultQueueBytes, false, time.Time{}); !ok {
		t.Fatal("output as it is waits")
	}
}
