//go:build !windows

package host

import (
	"fmt"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// marksIn returns the size marks in output, as a Duet window finds them.
func marksIn(b []byte) []wire.SizeAt {
	var m wire.SizeMarks
	_, marks := m.Take(nil, b)
	return marks
}

func resizeChannel(t *testing.T, ch ssh.Channel, cols, rows int) {
	t.Helper()
	wc := ssh.Marshal(&struct{ Cols, Rows, W, H uint32 }{uint32(cols), uint32(rows), 0, 0})
	if _, err := ch.SendRequest("window-change", false, wc); err != nil {
		t.Fatal(err)
	}
}

// TestSizeMarksForDuetWindow: a Duet window that asks is told, in its output, the size
// of the terminal the output is for: before the first byte, and where it changes (a
// smaller partner comes and goes, the window itself shrinks), each time before a
// repaint at that size; with the host's size policy and a smaller window, its own size
// (it sees a viewport). A partner that did not ask gets no marks.
func TestSizeMarksForDuetWindow(t *testing.T) {
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	s := reg.Default()
	host, _ := attachHost(t, s)
	host.Resize(100, 30)
	duettest.Poll(t, "the session at the host's size", func() bool { c, r := s.Size(); return c == 100 && r == 30 })

	w := openWindowSized(t, addr, newSignerNamed(t, h, keys.RoleType, "Alice"), 120, 40, true)
	win, out := w.ch, w.out
	lastMark := func() (wire.SizeAt, bool) {
		m := marksIn(out.Bytes())
		if len(m) == 0 {
			return wire.SizeAt{}, false
		}
		return m[len(m)-1], true
	}
	waitMark := func(what string, cols, rows int) {
		t.Helper()
		if !duettest.PollWithin(duettest.Timeout, func() bool { m, ok := lastMark(); return ok && m.Cols == cols && m.Rows == rows }) {
			t.Fatalf("%s: marks %v, want the last %dx%d", what, marksIn(out.Bytes()), cols, rows)
		}
	}
	waitMark("joining", 100, 30)
	if m := marksIn(out.Bytes()); m[0].At != 0 {
		t.Errorf("the first mark is at byte %d, want before the first output", m[0].At)
	}

	// A smaller terminal partner makes the session smaller: marked, then repainted.
	term := join(t, addr, "main", newSignerNamed(t, h, keys.RoleType, "Carol"), "", true) // 80x24, a status line
	waitMark("a smaller partner", 80, 23)
	term.stdin.Write([]byte("echo after-$((6*7))\r"))
	out.WaitFor(t, "after-42")
	term.client.Close()
	waitMark("the smaller partner left", 100, 30)

	// The window shrinks below the host's size.
	resizeChannel(t, win, 70, 20)
	waitMark("the window shrank", 70, 20)

	// The host's size (no client is the host's own here: the largest that types), and a
	// window smaller than it: a viewport, at the window's size.
	s.SetSizePolicy(sessions.SizeHost)
	duettest.Poll(t, "the session at the host's size again", func() bool { c, r := s.Size(); return c == 100 && r == 30 })
	waitMark("a viewport", 70, 20)
	resizeChannel(t, win, 110, 35) // now the largest that types: the session takes its size
	waitMark("the window the largest", 110, 35)

	// Marks are never more than one per change: the numbers say which sizes came.
	var sizes []string
	for _, m := range marksIn(out.Bytes()) {
		sizes = append(sizes, fmt.Sprintf("%dx%d", m.Cols, m.Rows))
	}
	for i := 1; i < len(sizes); i++ {
		if sizes[i] == sizes[i-1] {
			t.Errorf("the same size marked twice in a row: %v", sizes)
		}
	}

	plain := join(t, addr, "main", newSignerNamed(t, h, keys.RoleType, "Dan"), "", true)
	plain.stdin.Write([]byte("echo plain-$((6*7))\r"))
	plain.out.WaitFor(t, "plain-42")
	if m := marksIn(plain.out.Bytes()); len(m) > 0 {
		t.Errorf("a partner that did not ask got size marks %v", m)
	}
}
