//go:build !windows

package host

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// farLink is a distant, slow path for the tests: 40 ms each way, 2 Mbit/s.
var farLink = duettest.Link{Delay: 40 * time.Millisecond, Rate: 2e6}

// floodScript floods about 3.4 MB once a line is typed, then says so and waits.
const floodScript = "read x; seq 1 500000; echo FLOOD''DONE; read y"

// farAndNear starts the flood session with one partner behind farLink (who may type) and
// one on loopback (view only).
func farAndNear(t *testing.T) (s *sessions.Session, proxy *duettest.Proxy, far, near *partner, fc, nc *sessions.Client) {
	t.Helper()
	reg := shellRegistry(t, "main", "/bin/sh", "-c", floodScript)
	h, addr := openSSHHost(t, reg)
	s = reg.Default()
	proxy = duettest.NewWAN(t, addr, farLink, farLink)
	farKey := newSignerApproved(t, h, keys.RoleType)
	far = join(t, proxy.Addr(), "main", farKey, "", true)
	near = join(t, addr, "main", newSignerApproved(t, h, keys.RoleView), "", true)
	duettest.Poll(t, "both partners", func() bool { return len(s.Clients()) == 2 })
	for _, c := range s.Clients() {
		if c.Fingerprint() == keys.Fingerprint(farKey.PublicKey()) {
			fc = c
		} else {
			nc = c
		}
	}
	return s, proxy, far, near, fc, nc
}

// screenOf is what a partner's terminal shows of the session after out: all of it but
// the bottom row, its status line.
func screenOf(out []byte) string {
	screen, _ := duettest.ScreenAndStatus(out, 80, 24)
	return screen
}

// TestFarPartnerGetsTheCurrentScreen: a partner behind a slow, distant link ends a flood
// with the screen the host shows, having received a fraction of the output (updates of
// the screen, not the backlog), while a partner on loopback next to it gets every byte.
func TestFarPartnerGetsTheCurrentScreen(t *testing.T) {
	s, proxy, far, near, fc, nc := farAndNear(t)
	io.WriteString(far.stdin, "\r")
	all := near.out.WaitFor(t, "FLOODDONE")
	switch {
	case nc.Drops() > 0:
		// A loaded machine can make even loopback fall behind (its queue overflows, by
		// design): then it gets the screen, not every byte.
		t.Logf("the partner on loopback fell behind %d times; not checking its bytes", nc.Drops())
	case !bytes.Contains(all, []byte("\r\n499999\r\n500000\r\n")):
		t.Fatal("the partner on loopback missed output without falling behind")
	}
	want := s.Screen().Text()
	far.out.WaitUntil(t, "the far partner's screen to be the host's", func(b []byte) bool { return screenOf(b) == want })
	down, _ := proxy.Carried()
	if down > 500<<10 {
		t.Errorf("the far partner received %d bytes of a 3.4 MB flood", down)
	}
	if fc.Drops() == 0 {
		t.Error("the far partner never fell behind; the test did not flood it")
	}
	if rtt := fc.RoundTrip(); rtt < 2*farLink.Delay {
		t.Errorf("round trip %v, less than the link's %v", rtt, 2*farLink.Delay)
	}
	t.Logf("the far partner received %d bytes; round trip %v", down, fc.RoundTrip())
}

// TestFarPartnerBehindSeesTheCurtain: pausing while a far partner is behind shows it the
// curtain, never an update of the screen behind it.
func TestFarPartnerBehindSeesTheCurtain(t *testing.T) {
	s, _, far, _, fc, _ := farAndNear(t)
	io.WriteString(far.stdin, "\r")
	duettest.Poll(t, "the far partner to fall behind", func() bool { return fc.Drops() > 0 })
	s.Pause(false)
	duettest.Poll(t, "the flood to end", func() bool { return strings.Contains(s.Screen().Text(), "FLOODDONE") })
	far.out.WaitUntil(t, "the curtain", func(b []byte) bool { return strings.Contains(screenOf(b), "paused sharing") })
	// Whatever comes after the curtain: the screen behind it never shows.
	if got := screenOf(far.out.Bytes()); strings.Contains(got, "FLOOD") || !strings.Contains(got, "paused sharing") {
		t.Fatalf("the far partner shows\n%s", got)
	}
	s.Resume()
	want := s.Screen().Text()
	far.out.WaitUntil(t, "the screen again", func(b []byte) bool { return screenOf(b) == want })
}

// TestClientThatNeverAnswersPings: a client that does not answer the host's pings still
// gets its output, once the host stops waiting for the answers.
func TestClientThatNeverAnswersPings(t *testing.T) {
	unanswered = 300 * time.Millisecond
	t.Cleanup(func() { unanswered = unansweredDefault })
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	client, err := dial(t, addr, "main", newSignerApproved(t, h, keys.RoleType))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ch, reqs, err := client.OpenChannel("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for req := range reqs {
			if req.Type != wire.PingRequest && req.WantReply {
				req.Reply(false, nil)
			}
		}
	}()
	if ok, err := ch.SendRequest("shell", true, nil); !ok || err != nil {
		t.Fatalf("shell: %v %v", ok, err)
	}
	out := &duettest.Output{}
	go io.Copy(out, ch)
	// More output than the first window: it only arrives if the host stopped waiting.
	io.WriteString(ch, "i=0; while [ $i -lt 3000 ]; do echo line-$i-of-the-output-here; i=$((i+1)); done; echo END''MARK\n")
	out.WaitFor(t, "ENDMARK")
}
