//go:build !windows

package sessions

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

// TestMoveAndAdopt moves a running shell out of one registry and into another, as the
// window hands its sessions to a background duet host: the shell is the same process
// (its variable and pid survive), the screen is as it was, what the shell printed in
// between is not lost, the old clients are told and get ErrMoved, and the adopted
// session types, resizes and ends as any.
func TestMoveAndAdopt(t *testing.T) {
	var from Registry
	s, err := from.Start(Options{Name: "pair", Command: []string{"/bin/sh"}, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}})
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	c, out, wait := attach(t, s, AttachOptions{Cols: 80, Rows: 24})
	c.Write([]byte("X=kept-$$; seq 1 30; echo ready-$X\n"))
	out.WaitFor(t, "ready-kept-")
	pid, id := s.pty.Pid(), s.ID()
	scrolled := s.screen.Scrolled()
	if scrolled == 0 {
		t.Fatal("nothing scrolled off the screen")
	}

	m, err := s.Move()
	if err != nil {
		t.Fatal(err)
	}
	if err := wait(); !errors.Is(err, ErrMoved) {
		t.Errorf("the old client got %v, want ErrMoved", err)
	}
	if !strings.Contains(out.String(), "[duet: session pair moved to a background duet host]") {
		t.Errorf("the old client was not told: %q", duettest.Tail(out.Bytes(), 200))
	}
	if from.Lookup("pair") != nil {
		t.Error("the moved session is still in its registry")
	}
	if _, err := s.Move(); err == nil {
		t.Error("a moved session moved again")
	}
	if m.Pid != pid || m.Name != "pair" || m.Cols != 80 || m.Rows != 24 {
		t.Errorf("moved %+v, want pid %d, pair, 80x24", m, pid)
	}
	// Written while nobody reads: it waits in the terminal for the adopter.
	syscallWriteTo(t, m.Master, "echo while-moving-$X\n")

	var to Registry
	defer to.Close()
	a, err := to.Adopt(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Screen().Text(); !strings.Contains(got, "ready-kept-") {
		t.Errorf("adopted screen lost what was there:\n%s", got)
	}
	// The same session where it moved: its ID (what partners were allowed once, and
	// their marks of its history, hold) and its lines' numbering go on.
	if a.ID() != id || a.screen.Scrolled() < scrolled {
		t.Errorf("adopted as ID %s with %d lines scrolled, want %s and at least %d", a.ID(), a.screen.Scrolled(), id, scrolled)
	}
	c2, out2, wait2 := attach(t, a, AttachOptions{Cols: 70, Rows: 20})
	out2.WaitFor(t, "while-moving-kept-")
	c2.Write([]byte("echo again-$X-$$; stty size\n"))
	out2.WaitFor(t, "20 70")
	if !strings.Contains(out2.String(), "again-kept-") {
		t.Errorf("not the same shell: %q", duettest.Tail(out2.Bytes(), 200))
	}
	c2.Write([]byte("exit\n"))
	var exit *ExitError
	if err := wait2(); !errors.As(err, &exit) {
		t.Fatalf("adopted client got %v, want the session's end", err)
	}
	duettest.Await(t, a.Done(), "the adopted session's end")
	if to.Lookup("pair") != nil {
		t.Error("the ended session is still in its registry")
	}
}

// TestMovePaused: a session whose sharing was paused is still paused where it moved: a
// partner attaching there sees the curtain, not the screen.
func TestMovePaused(t *testing.T) {
	a, _ := moveOne(t, "echo private-stuff; exec sleep 60", "private-stuff", func(s *Session) { s.Pause(false) })
	if !a.Paused() {
		t.Fatal("the moved session is not paused")
	}
	_, pout, _ := attach(t, a, AttachOptions{Cols: 80, Rows: 24})
	pout.WaitFor(t, "The host paused sharing")
	if strings.Contains(pout.String(), "private-stuff") {
		t.Error("a partner saw the paused screen")
	}
}

// TestAdoptedSessionClose: closing an adopted session hangs up its command, which is
// not this process's child.
func TestAdoptedSessionClose(t *testing.T) {
	a, m := moveOne(t, "echo up; exec sleep 60", "up", nil)
	a.Close()
	if ex, _ := a.Exit(); ex.Desc != EndedByHost {
		t.Errorf("exit %+v, want %q", ex, EndedByHost)
	}
	p, _ := os.FindProcess(m.Pid)
	duettest.Poll(t, "the moved command to end", func() bool { return !processAlive(p) })
}

// moveOne starts sh -c script in one registry, waits for want in its output, runs
// before (if set), moves the session into another registry and returns it there.
func moveOne(t *testing.T, script, want string, before func(*Session)) (*Session, *Moved) {
	t.Helper()
	var from, to Registry
	t.Cleanup(func() {
		to.Close()
		from.Close()
	})
	s, err := from.Start(Options{Command: []string{"/bin/sh", "-c", script}})
	if err != nil {
		t.Fatal(err)
	}
	_, out, _ := attach(t, s, AttachOptions{})
	out.WaitFor(t, want)
	if before != nil {
		before(s)
	}
	m, err := s.Move()
	if err != nil {
		t.Fatal(err)
	}
	a, err := to.Adopt(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a, m
}

// syscallWriteTo types s into a terminal's master side.
func syscallWriteTo(t *testing.T, master *os.File, s string) {
	t.Helper()
	if _, err := master.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func processAlive(p *os.Process) bool { return p.Signal(syscall.Signal(0)) == nil }
