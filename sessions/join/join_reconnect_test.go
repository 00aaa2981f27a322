//go:build !windows

package join

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/sessions/host"
)

// TestJoinReconnect: a dropped connection is reconnected by itself, reported on the way,
// and the host repaints the screen; typing works again after.
func TestJoinReconnect(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	p := duettest.NewProxy(t, duetHost(t, &host.Server{}, duetKey(t, store).PublicKey()))
	st := newStatuses()
	j := dialJoin(t, testAddr(t, p.Addr(), "main"), Config{
		Store: store, Term: "xterm-256color", Cols: 80, Rows: 24,
		ConfirmHost: (&trustAll{}).confirm, Status: st.add,
	})
	j.typeLine(t, "echo before-$((1+1))")
	j.out.WaitFor(t, "before-2")
	j.Resize(90, 20) // the size must survive the reconnect

	t.Run("cut", func(t *testing.T) {
		mark := len(j.out.Bytes())
		p.Cut()
		st.wait(t, Reconnected, 1)
		// The host's repaint shows the screen as it was.
		j.out.WaitUntil(t, "a repaint", func(b []byte) bool { return bytes.Contains(b[mark:], []byte("before-2")) })
		j.typeLine(t, "echo after-$((2+2)); stty size")
		j.out.WaitFor(t, "after-4")
		j.out.WaitFor(t, "19 90") // a row for the status line
		if p.Accepted() != 2 {
			t.Errorf("%d connections, want 2", p.Accepted())
		}
	})

	t.Run("refused for a while", func(t *testing.T) {
		p.SetRefuse(true)
		p.Cut()
		st.wait(t, Reconnecting, 3) // the first, and two failed attempts
		// What is typed meanwhile is held (issue 16 item 3), and sent once back.
		line := "echo held-$((5+5))\r"
		if n, err := j.Write([]byte(line)); err != nil || n != len(line) {
			t.Errorf("Write while disconnected = %d, %v; want it held", n, err)
		}
		p.SetRefuse(false)
		if got := st.wait(t, Reconnected, 2); got.Sent != len(line) || got.Discarded != 0 {
			t.Errorf("reconnected: %+v, want %d bytes sent", got, len(line))
		}
		j.out.WaitFor(t, "held-10")
		j.retypeUntil(t, "echo back-$((3+3))", "back-6")
	})

	t.Run("too much typed meanwhile", func(t *testing.T) {
		p.SetRefuse(true)
		p.Cut()
		st.wait(t, Reconnecting, st.count(Reconnecting)+1)
		duettest.Poll(t, "the link to be down", j.Reconnecting)
		line := "echo kept-$((6+6))\r"
		junk := bytes.Repeat([]byte{'#'}, MaxHeldInput) // a comment line, longer than what is held
		j.Write([]byte(line))
		n, err := j.Write(junk)
		if !errors.Is(err, ErrDisconnected) || n != MaxHeldInput-len(line) {
			t.Errorf("Write beyond MaxHeldInput = %d, %v; want %d, ErrDisconnected", n, err, MaxHeldInput-len(line))
		}
		p.SetRefuse(false)
		got := st.wait(t, Reconnected, 3)
		if got.Sent != MaxHeldInput || got.Discarded != len(line) || !strings.Contains(got.String(), "discarded") {
			t.Errorf("reconnected: %+v (%q)", got, got)
		}
		j.Write([]byte("\x15")) // C-u: the shell forgets the partial comment line
		j.out.WaitFor(t, "kept-12")
		j.retypeUntil(t, "echo again-$((7+7))", "again-14")
	})

	t.Run("silent network", func(t *testing.T) {
		// No FIN, no reset: only the keepalive notices. Its interval is long in this
		// Conn, so use a Conn of its own with a short one.
		st2 := newStatuses()
		j2 := dialJoin(t, testAddr(t, p.Addr(), "main"), Config{
			Store: store, Term: "xterm", Cols: 80, Rows: 24, Status: st2.add, KeepAlive: 100 * time.Millisecond,
		})
		j2.typeLine(t, "echo two-$((5+5))")
		j2.out.WaitFor(t, "two-10")
		p.BlackHole()
		st2.wait(t, Reconnected, 1)
		j2.retypeUntil(t, "echo again-$((6+6))", "again-12")
	})

	if msgs := st.String(); !strings.Contains(msgs, "reconnecting") || !strings.Contains(msgs, "reconnected") {
		t.Errorf("status lines %q", msgs)
	}
}

// TestJoinNoReconnect: with ReconnectFor negative, a drop ends the connection.
func TestJoinNoReconnect(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	p := duettest.NewProxy(t, duetHost(t, &host.Server{}, duetKey(t, store).PublicKey()))
	j := dialJoin(t, testAddr(t, p.Addr(), "main"), Config{
		Store: store, ConfirmHost: (&trustAll{}).confirm, ReconnectFor: -1,
	})
	j.typeLine(t, "echo up-$((0+1))")
	j.out.WaitFor(t, "up-1")
	p.Cut()
	status, err := j.wait(t)
	if status != -1 || err == nil || errors.Is(err, ErrHostClosed) {
		t.Errorf("Wait = %d, %v; want -1 and the network's error", status, err)
	}
}

// TestJoinCloseWhileReconnecting: Close stops the reconnecting at once.
func TestJoinCloseWhileReconnecting(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	p := duettest.NewProxy(t, duetHost(t, &host.Server{}, duetKey(t, store).PublicKey()))
	st := newStatuses()
	j := dialJoin(t, testAddr(t, p.Addr(), "main"), Config{
		Store: store, ConfirmHost: (&trustAll{}).confirm, Status: st.add,
	})
	p.SetRefuse(true)
	p.Cut()
	st.wait(t, Reconnecting, 2)
	j.Close()
	status, err := j.wait(t)
	if status != -1 || !errors.Is(err, ErrConnClosed) {
		t.Errorf("Wait = %d, %v; want -1, ErrConnClosed", status, err)
	}
	if _, err := j.Read(make([]byte, 1)); err == nil {
		t.Error("Read after Close: no error")
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
		4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, w := range want {
		if got := backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
}
