//go:build !windows

package sessions

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/terminal/vt"
)

// TestStreamReadSizedFollowsTheSession: a stream attached with FollowSize says, for each
// piece of output, the size it is for; a screen that takes those sizes where they change
// is exactly the session's screen, and a partner leaving is a size change without output.
func TestStreamReadSizedFollowsTheSession(t *testing.T) {
	s := startSession(t, Options{}, "")
	c, err := s.Attach(AttachOptions{Name: "window", Cols: 40, Rows: 10, FollowSize: true})
	if err != nil {
		t.Fatal(err)
	}
	st := NewStream(c)
	type read struct {
		cols, rows int
		text       string
		err        error
	}
	reads := make(chan read, 1024)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, cols, rows, err := st.ReadSized(buf)
			reads <- read{cols, rows, string(buf[:n]), err}
			if err != nil {
				close(reads)
				return
			}
		}
	}()
	screen := vt.New(40, 10, vt.Options{})
	// next reads until cond holds for the screen fed with the output at its sizes.
	next := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			r, ok := <-reads
			if !ok {
				t.Fatalf("stream ended before %s", what)
			}
			if c, rw := screen.Size(); r.cols != c || r.rows != rw {
				screen.Resize(r.cols, r.rows)
			}
			screen.Write([]byte(r.text))
		}
	}
	partner, _, _ := attach(t, s, AttachOptions{Name: "partner", Cols: 20, Rows: 5})
	next("the partner's size", func() bool { c, r := screen.Size(); return c == 20 && r == 5 })
	if _, err := st.Write([]byte("seq 1 100\n")); err != nil {
		t.Fatal(err)
	}
	next("the prompt after seq", func() bool { return strings.Contains(screen.Text(), "100\n$") })
	next("the session's screen", func() bool { return screen.Text() == s.Screen().Text() })

	partner.Detach()
	next("the window's size again", func() bool { c, r := screen.Size(); return c == 40 && r == 10 })
	st.Close()
	for r := range reads {
		if r.err != nil && !errors.Is(r.err, io.EOF) {
			t.Errorf("closed stream's read: %v, want io.EOF", r.err)
		}
	}
}

// TestHostEndingTheSessionIsSaidPlainly: a session the host closes tells its clients
// "the host ended the session", not how the hangup killed the shell.
func TestHostEndingTheSessionIsSaidPlainly(t *testing.T) {
	s := startSession(t, Options{Name: "pair"}, "")
	_, out, wait := attach(t, s, AttachOptions{Name: "partner", Cols: 80, Rows: 24})
	out.WaitFor(t, "$") // the prompt, live or in the repaint
	s.Close()
	var exit *ExitError
	if err := wait(); !errors.As(err, &exit) || exit.Desc != "the host ended it" {
		t.Fatalf("CopyTo returned %v, want the host's ending", err)
	}
	out.WaitFor(t, "[duet: the host ended the session pair]")
	if strings.Contains(out.String(), "killed by") {
		t.Errorf("partner told %q", duettest.Tail(out.Bytes(), 100))
	}
}

// TestNoticeFitsTheClientsTerminal: a notice goes on the bottom row of the client's own
// terminal when that is smaller than the session (a view-only partner), cut to its width
// so that nothing wraps or scrolls, and a repaint takes it away later.
func TestNoticeFitsTheClientsTerminal(t *testing.T) {
	s := startSession(t, Options{}, "")
	_, hostOut, _ := attach(t, s, AttachOptions{Name: "host", Cols: 80, Rows: 24})
	hostOut.WaitFor(t, "$") // the prompt, live or in the repaint
	c, out, _ := attach(t, s, AttachOptions{Name: "viewer", Cols: 30, Rows: 6, ReadOnly: true})
	out.WaitFor(t, "$") // the repaint
	c.Notice("duet: you are view only; you see the session, but the host has not let you type")
	screen := func(b []byte) *vt.Screen {
		sc := vt.New(30, 6, vt.Options{})
		sc.Write(b)
		return sc
	}
	out.WaitUntil(t, "the notice on the viewer's bottom row", func(b []byte) bool {
		return strings.HasPrefix(screen(b).LineText(5), " duet: you are view only; you")
	})
	if sc := screen(out.Bytes()); !strings.HasPrefix(sc.LineText(0), "$") {
		t.Errorf("the notice scrolled the viewer's screen: first row %q", sc.LineText(0))
	}
	if strings.Contains(hostOut.String(), "view only") {
		t.Error("another client saw the notice")
	}
}

// TestNoticeGoesWithoutLiftingTheCurtain: while sharing is paused, the repaint that takes
// a notice away shows the curtain again, never the screen.
func TestNoticeGoesWithoutLiftingTheCurtain(t *testing.T) {
	defer func(d time.Duration) { noticeFor = d }(noticeFor)
	noticeFor = 100 * time.Millisecond
	s := startSession(t, Options{}, "")
	host, hostOut, _ := attach(t, s, AttachOptions{Name: "window", Host: true, Cols: 80, Rows: 24})
	c, out, _ := attach(t, s, AttachOptions{Name: "viewer", Cols: 80, Rows: 24, ReadOnly: true})
	s.Pause(false)
	out.WaitFor(t, "The host paused sharing")
	io.WriteString(host, "echo secret-$((2+3))\r")
	hostOut.WaitFor(t, "secret-5")
	c.Notice("duet: you are view only")
	out.WaitFor(t, "duet: you are view only")
	b := out.WaitUntil(t, "the repaint after the notice", func(b []byte) bool {
		i := bytes.LastIndex(b, []byte("duet: you are view only"))
		return bytes.Contains(b[i:], []byte("The host paused sharing"))
	})
	if bytes.Contains(b, []byte("secret-5")) {
		t.Error("the notice's repaint showed the paused session's screen")
	}
}
