package sessions

import (
	"bytes"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// waitTimeout bounds every wait in the tests; the race detector on two busy cores is slow.
const waitTimeout = 20 * time.Second

// collector is an io.Writer that keeps what it is given and wakes waiters.
type collector struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newCollector() *collector { return &collector{changed: make(chan struct{})} }

func (c *collector) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	close(c.changed)
	c.changed = make(chan struct{})
	return len(p), nil
}

func (c *collector) Bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.buf.Bytes())
}

func (c *collector) String() string { return string(c.Bytes()) }

// waitUntil waits until cond holds for what was written so far.
func (c *collector) waitUntil(tb testing.TB, what string, cond func(b []byte) bool) []byte {
	tb.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		b, ch := bytes.Clone(c.buf.Bytes()), c.changed
		c.mu.Unlock()
		if cond(b) {
			return b
		}
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("timed out waiting for %s; got %q", what, tail(b, 600))
		}
	}
}

// waitFor waits until the output contains s.
func (c *collector) waitFor(tb testing.TB, s string) []byte {
	tb.Helper()
	return c.waitUntil(tb, strconv.Quote(s), func(b []byte) bool { return bytes.Contains(b, []byte(s)) })
}

// waitWithin reports whether the output contains s within d.
func (c *collector) waitWithin(s string, d time.Duration) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		found, ch := bytes.Contains(c.buf.Bytes(), []byte(s)), c.changed
		c.mu.Unlock()
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

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// screenOf replays a client's output on a fresh terminal of the given size.
func screenOf(b []byte, cols, rows int) string {
	s := vt.New(cols, rows, vt.Options{})
	s.Write(b)
	return s.Text()
}

// poll waits until cond holds, checking it whenever tick fires, for state that has no
// channel to wait on (a process's view of its terminal size).
func poll(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline.C:
			tb.Fatalf("timed out waiting for %s", what)
		}
	}
}

// startSession starts a session of sh -c script (or an interactive sh if script is
// empty) and closes it when the test ends.
func startSession(tb testing.TB, opt Options, script string) *Session {
	tb.Helper()
	if opt.Command == nil {
		opt.Command = []string{"/bin/sh"}
		if script != "" {
			opt.Command = []string{"/bin/sh", "-c", script}
		}
	}
	opt.Env = append(opt.Env, "PS1=$ ", "ENV=", "HISTFILE=")
	s, err := Start(opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// attach attaches a client whose output goes to a collector, and runs its writer until
// the test ends. wait waits for the writer and returns what CopyTo returned.
func attach(tb testing.TB, s *Session, opt AttachOptions) (c *Client, out *collector, wait func() error) {
	tb.Helper()
	c, err := s.Attach(opt)
	if err != nil {
		tb.Fatal(err)
	}
	out = newCollector()
	done := make(chan struct{})
	var copyErr error
	go func() {
		defer close(done)
		copyErr = c.CopyTo(out)
	}()
	wait = func() error {
		tb.Helper()
		t := time.NewTimer(waitTimeout)
		defer t.Stop()
		select {
		case <-done:
			return copyErr
		case <-t.C:
			tb.Fatal("timed out waiting for the client's writer")
			return nil
		}
	}
	tb.Cleanup(func() {
		c.Detach()
		<-done
	})
	return c, out, wait
}
