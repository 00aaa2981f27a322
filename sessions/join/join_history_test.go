//go:build !windows

package join

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// TestJoinReconnectHistory: a Duet partner that reconnects through a cut gets the lines
// it missed, and only those: afterwards its terminal holds the session's scrollback and
// screen exactly, each line once, as the host's screen has them.
func TestJoinReconnectHistory(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	h := &host.Server{}
	p := duettest.NewProxy(t, duetHost(t, h, duetKey(t, store).PublicKey()))
	sess := h.Sessions.Default()
	st := newStatuses()
	c, err := dialTest(t, testAddr(t, p.Addr(), "main+nostatus"), Config{
		Store: store, Term: "xterm-256color", Cols: 80, Rows: 24,
		ConfirmHost: (&trustAll{}).confirm, Status: st.add,
	})
	if err != nil {
		t.Fatal(err)
	}
	term := duettest.NewTerminal(80, 24)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		io.Copy(term, c)
	}()
	t.Cleanup(func() {
		c.Close()
		<-copied
	})
	shows := func(what, s string) {
		t.Helper()
		duettest.Poll(t, what, func() bool { return strings.Contains(term.Screen().Text(), s) })
	}
	if _, err := c.Write([]byte("seq 1 200; echo first-$((1+1))\r")); err != nil {
		t.Fatal(err)
	}
	shows("the first lines", "first-2")
	duettest.Poll(t, "the host's mark of the first lines", func() bool {
		return c.History().Lines == sess.Screen().Scrolled() && c.History().Session == sess.ID()
	})

	// The network goes; the host's session goes on meanwhile.
	p.SetRefuse(true)
	p.Cut()
	st.wait(t, Reconnecting, 1)
	hostClient, err := sess.Attach(sessions.AttachOptions{Name: "window", Host: true})
	if err != nil {
		t.Fatal(err)
	}
	defer hostClient.Detach()
	go hostClient.CopyTo(io.Discard)
	hostClient.Write([]byte("seq 201 500; echo missed-$((2+2))\r"))
	duettest.Poll(t, "the host to print what the partner misses", func() bool {
		return strings.Contains(sess.Screen().Text(), "missed-4")
	})
	p.SetRefuse(false)
	st.wait(t, Reconnected, 1)
	shows("the lines missed", "missed-4")

	want := duettest.Lines(sess.Screen())
	duettest.Poll(t, "the partner's terminal to hold what the host's screen holds", func() bool {
		return slices.Equal(term.Lines(), want)
	})
	got := duettest.Numbered(term.Lines())
	for i, n := range got {
		if n != i+1 {
			t.Fatalf("line %d is %d: lines %v...", i+1, n, got[max(i-3, 0):min(i+3, len(got))])
		}
	}
	if len(got) != 500 {
		t.Fatalf("%d numbered lines, want 500", len(got))
	}
}
