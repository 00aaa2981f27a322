package duettest

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// Output is an io.Writer that keeps what it is given and wakes those waiting on it. The
// zero value is ready to use.
type Output struct {
	mu      sync.Mutex // guards the fields below
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

// changedLocked returns the channel the next write closes. o.mu is held.
func (o *Output) changedLocked() chan struct{} {
	if o.changed == nil {
		o.changed = make(chan struct{})
	}
	return o.changed
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.changedLocked())
	o.changed = make(chan struct{})
	return len(p), nil
}

// Bytes returns a copy of what was written so far.
func (o *Output) Bytes() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	return bytes.Clone(o.buf.Bytes())
}

func (o *Output) String() string { return string(o.Bytes()) }

// Reset forgets what was written so far.
func (o *Output) Reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Reset()
}

// WaitUntil waits until cond holds for what was written so far and returns it; it fails
// the test after Timeout, showing the end of the output.
func (o *Output) WaitUntil(tb testing.TB, what string, cond func(b []byte) bool) []byte {
	tb.Helper()
	b, ok := o.within(Timeout, cond)
	if !ok {
		tb.Fatalf("timed out waiting for %s; got %q", what, Tail(b, 600))
	}
	return b
}

// WaitFor waits until the output contains s and returns the output so far.
func (o *Output) WaitFor(tb testing.TB, s string) []byte {
	tb.Helper()
	if !o.WaitWithin(s, Timeout) {
		tb.Fatalf("timed out waiting for %q; got %q", s, Tail(o.Bytes(), 600))
	}
	return o.Bytes()
}

// WaitWithin reports whether the output contains s within d. Only what is new since the
// last look is searched, so waiting on a flood of output stays cheap.
func (o *Output) WaitWithin(s string, d time.Duration) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	want := []byte(s)
	from := 0
	for {
		o.mu.Lock()
		b := o.buf.Bytes()
		found := bytes.Contains(b[from:], want)
		from = max(0, len(b)-len(want)+1)
		ch := o.changedLocked()
		o.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return false
		}
	}
}

func (o *Output) within(d time.Duration, cond func(b []byte) bool) ([]byte, bool) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		o.mu.Lock()
		b, ch := bytes.Clone(o.buf.Bytes()), o.changedLocked()
		o.mu.Unlock()
		if cond(b) {
			return b, true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return b, false
		}
	}
}

// Tail returns the last n bytes of b (all of it if shorter).
func Tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// ScreenOf replays output on a fresh terminal of the given size and returns its text.
func ScreenOf(b []byte, cols, rows int) string {
	s := vt.New(cols, rows, vt.Options{})
	s.Write(b)
	return s.Text()
}

// Lines returns what a terminal holds, as text: its scrollback, oldest first, then the
// rows of its screen, trailing blanks trimmed and the empty rows at the bottom left out.
func Lines(s *vt.Screen) []string {
	var out []string
	var cells []vt.Cell
	for i := range s.ScrollbackLen() {
		cells, _ = s.Scrollback(i, cells[:0])
		var b strings.Builder
		for _, c := range cells {
			switch {
			case c.IsWideTail():
			case c.String() == "":
				b.WriteByte(' ')
			default:
				b.WriteString(c.String())
			}
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	screen := strings.Split(strings.TrimRight(s.Text(), "\n"), "\n")
	for len(screen) > 0 && screen[len(screen)-1] == "" {
		screen = screen[:len(screen)-1]
	}
	return append(out, screen...)
}

// Terminal is a terminal of a given size fed with output, as a partner's terminal
// emulator (xterm, tmux, Duet's widget) is: its screen and scrollback (see [Lines]).
type Terminal struct {
	mu sync.Mutex
	vt *vt.Screen
}

// NewTerminal returns an empty terminal of cols x rows with vt's default scrollback.
func NewTerminal(cols, rows int) *Terminal {
	return &Terminal{vt: vt.New(cols, rows, vt.Options{})}
}

func (t *Terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.vt.Write(p)
}

// Lines returns the terminal's scrollback and screen (see [Lines]).
func (t *Terminal) Lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Lines(t.vt)
}

// Screen returns the terminal's screen model.
func (t *Terminal) Screen() *vt.Screen { return t.vt }

// Numbered returns the numbers of the lines that are just a number (as seq prints
// them), in order: what a test that printed numbered lines finds in a terminal.
func Numbered(lines []string) []int {
	var out []int
	for _, l := range lines {
		if n, err := strconv.Atoi(strings.TrimSpace(l)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// ScreenAndStatus replays output on a fresh terminal of the given size and returns the
// text of all its rows but the last (the session's, for a client with a status line)
// and of its last row (the status line), trimmed.
func ScreenAndStatus(b []byte, cols, rows int) (screen, status string) {
	text := ScreenOf(b, cols, rows)
	lines := strings.SplitAfter(text, "\n")
	if len(lines) < rows {
		return text, ""
	}
	return strings.Join(lines[:rows-1], ""), strings.TrimSpace(lines[rows-1])
}
