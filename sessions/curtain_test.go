//go:build !windows

package sessions

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
)

// tapLog is a Tap that keeps what it is given.
type tapLog struct {
	mu     sync.Mutex
	out    strings.Builder
	in     strings.Builder
	who    []Who
	marks  []string
	resize []string
}

func (l *tapLog) Output(_ time.Time, p []byte) { l.mu.Lock(); l.out.Write(p); l.mu.Unlock() }
func (l *tapLog) Input(_ time.Time, w Who, p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.in.Write(p)
	l.who = append(l.who, w)
}
func (l *tapLog) Resize(_ time.Time, c, r int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.resize = append(l.resize, fmt.Sprintf("%dx%d", c, r))
}
func (l *tapLog) Mark(_ time.Time, s string) {
	l.mu.Lock()
	l.marks = append(l.marks, s)
	l.mu.Unlock()
}
func (l *tapLog) output() string { l.mu.Lock(); defer l.mu.Unlock(); return l.out.String() }
func (l *tapLog) input() string  { l.mu.Lock(); defer l.mu.Unlock(); return l.in.String() }

// TestCurtain: while paused, a partner's screen shows the curtain and none of the output,
// its typing is dropped, and the host's own client goes on; Resume repaints.
func TestCurtain(t *testing.T) {
	s := startSession(t, Options{}, "")
	host, hostOut, _ := attach(t, s, AttachOptions{Name: "window", Host: true, Cols: 80, Rows: 24})
	partner, partnerOut, _ := attach(t, s, AttachOptions{Name: "alice", Cols: 80, Rows: 24})
	io.WriteString(host, "echo before-$((1+1))\r")
	partnerOut.WaitFor(t, "before-2")

	s.Pause(false)
	if st := s.State(); !st.Paused {
		t.Fatalf("State after Pause = %+v", st)
	}
	partnerOut.WaitFor(t, "The host paused sharing")
	io.WriteString(host, "echo secret-$((2+3))\r")
	hostOut.WaitFor(t, "secret-5")
	io.WriteString(partner, "echo typed-by-partner\r")
	io.WriteString(host, "echo marker-$((3+4))\r")
	hostOut.WaitFor(t, "marker-7")
	if strings.Contains(hostOut.String(), "typed-by-partner") {
		t.Error("the partner's typing reached the program while paused")
	}
	// A partner attaching meanwhile sees the curtain, not the screen.
	_, lateOut, _ := attach(t, s, AttachOptions{Name: "bob", Cols: 80, Rows: 24})
	lateOut.WaitFor(t, "The host paused sharing")
	if strings.Contains(lateOut.String(), "secret-5") {
		t.Error("a partner attaching while paused got the screen")
	}

	if during := partnerOut.String(); strings.Contains(during, "secret-5") || strings.Contains(during, "marker-7") {
		t.Errorf("output from the pause reached the partner: %q", duettest.Tail([]byte(during), 300))
	}
	s.Resume()
	b := partnerOut.WaitFor(t, "marker-7") // the repaint shows the screen as it is now
	screen := duettest.ScreenOf(b[strings.LastIndex(string(b), "\x1b[?1049l"):], 80, 24)
	if !strings.Contains(screen, "marker-7") || strings.Contains(screen, "paused sharing") {
		t.Errorf("partner's screen after Resume:\n%s", screen)
	}
	io.WriteString(partner, "echo partner-again-$((4+4))\r")
	hostOut.WaitFor(t, "partner-again-8")
}

// TestTap: a Tap gets the screen first, then output, input with who typed it, resizes and
// the pause's marks; output from a pause only if asked to keep recording.
func TestTap(t *testing.T) {
	s := startSession(t, Options{}, "")
	c, out, _ := attach(t, s, AttachOptions{Name: "alice", Fingerprint: "SHA256:a", Cols: 80, Rows: 24})
	io.WriteString(c, "echo first-$((1+1))\r")
	out.WaitFor(t, "first-2")
	tap := &tapLog{}
	s.SetTap(tap)
	if !s.State().Recording || !strings.Contains(tap.output(), "first-2") {
		t.Fatalf("a new tap gets the screen: recording %v, output %q", s.State().Recording, tap.output())
	}
	io.WriteString(c, "echo second-$((2+2))\r")
	out.WaitFor(t, "second-4")
	duettest.Poll(t, "the tap's output", func() bool { return strings.Contains(tap.output(), "second-4") })
	if !strings.Contains(tap.input(), "echo second-") || tap.who[0] != (Who{Name: "alice", Fingerprint: "SHA256:a"}) {
		t.Errorf("input %q by %+v", tap.input(), tap.who)
	}
	c.Resize(100, 30)
	s.Pause(false)
	host, hostOut, _ := attach(t, s, AttachOptions{Name: "window", Host: true})
	io.WriteString(host, "echo hidden-$((3+3))\r")
	hostOut.WaitFor(t, "hidden-6")
	if strings.Contains(tap.output(), "hidden-6") {
		t.Error("output during the pause was recorded")
	}
	s.Resume()
	if !strings.Contains(tap.output(), "hidden-6") { // the repaint at resume
		t.Error("the screen at resume was not recorded")
	}
	tap.mu.Lock()
	marks, sizes := strings.Join(tap.marks, ","), strings.Join(tap.resize, ",")
	tap.mu.Unlock()
	if marks != "sharing paused,sharing resumed" || !strings.Contains(sizes, "100x30") {
		t.Errorf("marks %q sizes %q", marks, sizes)
	}
	s.SetTap(nil)
	if s.State().Recording {
		t.Error("still recording after SetTap(nil)")
	}
}
