package host

import (
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// Pinging a partner (see wire.PingRequest): never more often than pingGap (a partner on
// loopback answers in microseconds), or nearPingGap for a partner whose round trip is
// under nearRTT (its output is not paced: the pings only measure, and would cost the
// host CPU at its rate of writes), and every idlePing when nothing is written, so the
// round trip is known (and shown) for a partner who only watches.
const (
	pingGap     = time.Millisecond
	nearPingGap = 50 * time.Millisecond
	nearRTT     = 5 * time.Millisecond
	idlePing    = 2 * time.Second
	// unansweredDefault is how long a ping may go unanswered before what is written
	// counts as read anyway, until a ping is answered: a client that never answers
	// (none is known) then gets output as before pacing, held back only by its SSH
	// window.
	unansweredDefault = 10 * time.Second
	// minRTTFor is how long a round trip counts toward the smallest one: the path's own
	// delay may change (another network), and a stale minimum would make every later
	// round trip look queued.
	minRTTFor = 10 * time.Second
)

// unanswered is unansweredDefault; tests shorten it.
var unanswered = unansweredDefault

// pacedChannel is a partner's session channel as a [sessions.Link]: it counts the output
// written and pings the partner after it, so the session paces output to what the
// partner has read. Its pinger runs until close.
type pacedChannel struct {
	ch    ssh.Channel
	marks bool          // the partner wants to know how much history it has (wire.MarkRequest)
	sized bool          // the partner wants size marks in its output (wire.SizedRequest)
	acked chan struct{} // buffered 1: an acknowledgement arrived
	wrote chan struct{} // buffered 1: output was written
	quit  chan struct{} // closed by close
	wg    sync.WaitGroup

	mu     sync.Mutex // guards the fields below
	p      sessions.Progress
	mins   [2]time.Duration // the smallest round trip of this and the previous minRTTFor
	minsAt time.Time        // when mins[0] started
	deaf   bool             // a ping went unanswered for long: all written counts as read
}

func newPacedChannel(ch ssh.Channel, marks bool) *pacedChannel {
	pc := &pacedChannel{ch: ch, marks: marks, acked: make(chan struct{}, 1), wrote: make(chan struct{}, 1), quit: make(chan struct{})}
	pc.wg.Go(pc.pinger)
	return pc
}

func (pc *pacedChannel) Write(b []byte) (int, error) {
	n, err := pc.ch.Write(b)
	pc.mu.Lock()
	pc.p.Written += int64(n)
	pc.mu.Unlock()
	select {
	case pc.wrote <- struct{}{}:
	default:
	}
	return n, err
}

func (pc *pacedChannel) Progress() sessions.Progress {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.deaf {
		pc.p.Acked = pc.p.Written
	}
	return pc.p
}

func (pc *pacedChannel) Acked() <-chan struct{} { return pc.acked }

// MarkHistory tells a Duet partner that asked (wire.HistoryRequest) how much of the
// session's history its terminal has once it took what was written so far.
func (pc *pacedChannel) MarkHistory(m sessions.Mark) {
	if !pc.marks {
		return
	}
	pc.mu.Lock()
	at := pc.p.Written
	pc.mu.Unlock()
	pc.ch.SendRequest(wire.MarkRequest, false, wire.History{Session: m.Session, Lines: m.Lines, At: uint64(at)}.Marshal())
}

// TellSize writes a size mark into the output (wire.AppendSizeMark) for a Duet window
// that asked (wire.SizedRequest): the output after it is for a terminal of cols x rows.
func (pc *pacedChannel) TellSize(cols, rows int) {
	if pc.sized {
		pc.Write(wire.AppendSizeMark(nil, cols, rows))
	}
}

// close stops the pinger and waits for it; a ping on the way ends with the channel.
func (pc *pacedChannel) close() {
	close(pc.quit)
	pc.wg.Wait()
}

// pinger pings the partner after output (one ping on the way at a time), and now and
// then when there is none, until close or the channel fails.
func (pc *pacedChannel) pinger() {
	idle := time.NewTimer(0) // the first ping: the round trip is known at once
	defer idle.Stop()
	for {
		select {
		case <-pc.quit:
			return
		case <-pc.wrote:
		case <-idle.C:
		}
		pc.mu.Lock()
		sent := pc.p.Written
		pc.mu.Unlock()
		t0 := time.Now()
		deaf := time.AfterFunc(unanswered, pc.assumeRead)
		_, err := pc.ch.SendRequest(wire.PingRequest, true, wire.Ping{Sent: uint64(sent)}.Marshal())
		deaf.Stop()
		if err != nil {
			return // the channel is gone
		}
		now := time.Now()
		pc.record(sent, now.Sub(t0), now)
		select {
		case pc.acked <- struct{}{}:
		default:
		}
		if !idle.Stop() {
			select {
			case <-idle.C:
			default:
			}
		}
		idle.Reset(idlePing)
		// At most one ping every pingGap.
		gap := time.NewTimer(pc.gap())
		select {
		case <-gap.C:
		case <-pc.quit:
			gap.Stop()
			return
		}
	}
}

// gap returns how long to wait after an answer before the next ping.
func (pc *pacedChannel) gap() time.Duration {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.p.MinRTT < nearRTT {
		return nearPingGap
	}
	return pingGap
}

// assumeRead counts everything written as read from now on, for a ping that is not
// answered, until one is.
func (pc *pacedChannel) assumeRead() {
	pc.mu.Lock()
	pc.deaf = true
	pc.p.Acked, pc.p.AckedAt = pc.p.Written, time.Now()
	pc.mu.Unlock()
	select {
	case pc.acked <- struct{}{}:
	default:
	}
}

// record takes in a ping's answer: sent bytes are acknowledged, after rtt.
func (pc *pacedChannel) record(sent int64, rtt time.Duration, now time.Time) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if now.Sub(pc.minsAt) > minRTTFor {
		pc.mins = [2]time.Duration{0, pc.mins[0]}
		pc.minsAt = now
	}
	if pc.mins[0] == 0 || rtt < pc.mins[0] {
		pc.mins[0] = rtt
	}
	pc.p.MinRTT = pc.mins[0]
	if pc.mins[1] != 0 && pc.mins[1] < pc.p.MinRTT {
		pc.p.MinRTT = pc.mins[1]
	}
	pc.deaf = false
	pc.p.Acked = max(pc.p.Acked, sent)
	pc.p.RTT = rtt
	pc.p.AckedAt = now
}
