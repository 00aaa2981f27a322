//go:build unix

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
)

// BenchmarkWAN measures far-away partners (SPEC section 9, issue 14): each system serves
// the benchmark's program (wan_program_test.go) to a partner on loopback and to one
// behind a userspace WAN proxy (75 ms each way, 10 or 1 Mbit/s, a router's buffer of one
// bandwidth-delay product), in an 80x24 terminal, with every partner's screen modelled
// by terminal/vt:
//
//   - idle-echo: a key typed by the far partner until its screen shows it, nothing else
//     happening;
//   - echo: the same while the program floods the screen;
//   - prompt: after a flood stops (the local partner presses q), how much later the far
//     partner's screen shows what the local one shows (the median of three floods);
//   - 50MB: a flood of 50 MB that stops by itself: the bytes the far partner received,
//     how much later than the local one its screen was current, and how long the local
//     partner took (a fast partner next to a slow one).
//
// Sides: Duet (duet host) with an OpenSSH partner and with a duet join partner, and
// OpenSSH's sshd with tmux attach. DUET_WAN_SAMPLES sets the echo samples (default 30).
// Keys are typed after a random pause, as a person's are, never in step with the screen.
func BenchmarkWAN(b *testing.B) {
	duettest.NeedOpenSSH(b)
	key := newWANPartnerKey(b)
	samples := 30
	if n, err := strconv.Atoi(os.Getenv("DUET_WAN_SAMPLES")); err == nil && n > 0 {
		samples = n
	}
	for _, rate := range []int64{10e6, 1e6} {
		for _, side := range []string{"duet-openssh", "duet-join", "tmux"} {
			b.Run(fmt.Sprintf("%dMbit/%s", rate/1e6, side), func(b *testing.B) {
				var s wanSide
				switch side {
				case "duet-openssh":
					s = newDuetWAN(b, key, false)
				case "duet-join":
					s = newDuetWAN(b, key, true)
				default:
					s = newTmuxWAN(b, key)
				}
				link := duettest.Link{Delay: 75 * time.Millisecond, Rate: rate}
				proxy := duettest.NewWAN(b, s.addr(), link, link)
				r := &wanRun{b: b, proxy: proxy}
				r.local = startPartner(b, "local", s.partner(b, s.addr()))
				r.far = startPartner(b, "far", s.partner(b, proxy.Addr()))
				r.settle()
				for b.Loop() {
					r.measure(samples)
				}
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// wanRun is one side's measurement: both partners and what the program shows.
type wanRun struct {
	b          *testing.B
	proxy      *duettest.Proxy
	local, far *termPartner
	keys, done int // what the program counted
}

// sampleWait bounds one sample: a backlog at 1 Mbit/s takes a while.
const sampleWait = 2 * time.Minute

// settle waits until both partners show the program.
func (r *wanRun) settle() {
	for _, p := range []*termPartner{r.local, r.far} {
		if _, ok := p.waitRow(p.scr.expect(wanStatus(0, 0)), duettest.Timeout); !ok {
			r.b.Fatalf("the %s partner does not show the program; its last row: %q", p.name, p.scr.lastRow())
		}
	}
}

func (r *wanRun) measure(samples int) {
	idle := r.echoes(max(samples/2, 5))
	r.report(idle, "idle-echo")

	r.local.press(r.b, "f")
	time.Sleep(time.Second) // the flood gets going, and any backlog builds
	flood := r.echoes(samples)
	r.report(flood, "echo")
	r.done++
	var lags []time.Duration
	lags = append(lags, r.stop(r.local, "q").lag)
	for range 2 {
		r.local.press(r.b, "f")
		time.Sleep(2 * time.Second)
		r.done++
		lags = append(lags, r.stop(r.local, "q").lag)
	}
	slices.Sort(lags)
	r.b.ReportMetric(ms(lags[1]), "prompt-ms")

	down0, _ := r.proxy.Carried()
	r.done++
	st := r.stop(r.local, "F")
	down1, _ := r.proxy.Carried()
	r.b.ReportMetric(float64(down1-down0)/1e3, "50MB-sent-KB")
	r.b.ReportMetric(ms(st.lag), "50MB-lag-ms")
	r.b.ReportMetric(ms(st.local), "50MB-local-ms")
}

// echoes types samples keys on the far partner, each after a random pause, and returns
// how long each took to show on its screen.
func (r *wanRun) echoes(samples int) []time.Duration {
	var lat []time.Duration
	for range samples {
		time.Sleep(rand.N(100 * time.Millisecond))
		r.keys++
		want := r.far.scr.expect(wanStatus(r.keys, r.done))
		t0 := time.Now()
		r.far.press(r.b, "k")
		at, ok := r.far.waitRow(want, sampleWait)
		if !ok {
			r.b.Fatalf("the far partner's echo did not show in %v; its last row: %q", sampleWait, r.far.scr.lastRow())
		}
		lat = append(lat, at.Sub(t0))
	}
	return lat
}

// stopped is how a flood's end reached the partners.
type stopped struct {
	local time.Duration // from the key to the local partner's screen
	lag   time.Duration // how much later the far partner's screen showed it
}

// stop presses k on p (ending a flood; r.done counts it already) and waits until both
// partners show the end.
func (r *wanRun) stop(p *termPartner, k string) stopped {
	row := wanStatus(r.keys, r.done)
	local, far := r.local.scr.expect(row), r.far.scr.expect(row)
	t0 := time.Now()
	p.press(r.b, k)
	tl, ok := r.local.waitRow(local, sampleWait)
	if !ok {
		r.b.Fatalf("the local partner does not show %q; its last row: %q", row, r.local.scr.lastRow())
	}
	tf, ok := r.far.waitRow(far, sampleWait)
	if !ok {
		r.b.Fatalf("the far partner does not show %q; its last row: %q", row, r.far.scr.lastRow())
	}
	return stopped{local: tl.Sub(t0), lag: tf.Sub(tl)}
}

func (r *wanRun) report(lat []time.Duration, what string) {
	slices.Sort(lat)
	r.b.ReportMetric(ms(lat[len(lat)/2]), what+"-p50-ms")
	r.b.ReportMetric(ms(lat[len(lat)*9/10]), what+"-p90-ms")
}
