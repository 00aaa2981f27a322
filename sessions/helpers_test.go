package sessions

import (
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
)

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
func attach(tb testing.TB, s *Session, opt AttachOptions) (c *Client, out *duettest.Output, wait func() error) {
	tb.Helper()
	c, err := s.Attach(opt)
	if err != nil {
		tb.Fatal(err)
	}
	out = &duettest.Output{}
	done := make(chan struct{})
	var copyErr error
	go func() {
		defer close(done)
		copyErr = c.CopyTo(out)
	}()
	wait = func() error {
		tb.Helper()
		t := time.NewTimer(duettest.Timeout)
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
