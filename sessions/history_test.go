//go:build !windows

package sessions

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

// markedTerminal is a partner's terminal that also keeps the Marks its writer is told
// (a HistoryMarker, as a Duet partner's channel is).
type markedTerminal struct {
	*duettest.Terminal
	mu   sync.Mutex
	last Mark
}

func (m *markedTerminal) MarkHistory(mk Mark) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last = mk
}

func (m *markedTerminal) mark() Mark {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}

// follow attaches a client whose output goes to term until the returned func detaches it.
func follow(tb testing.TB, s *Session, opt AttachOptions, term *markedTerminal) (detach func()) {
	tb.Helper()
	c, err := s.Attach(opt)
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.CopyTo(term)
	}()
	stop := func() {
		c.Detach()
		<-done
	}
	tb.Cleanup(stop)
	return stop
}

// wantRun fails unless got is exactly from, from+1, ..., to.
func wantRun(tb testing.TB, got []int, from, to int) {
	tb.Helper()
	ok := len(got) == to-from+1
	for i := 0; ok && i < len(got); i++ {
		ok = got[i] == from+i
	}
	if !ok {
		head, tail := got, got
		if len(got) > 10 {
			head, tail = got[:5], got[len(got)-5:]
		}
		tb.Fatalf("lines %d...%d (%d of them), want each of %d to %d once", head, tail, len(got), from, to)
	}
}

// waitScreen waits until the session's screen shows s.
func waitScreen(tb testing.TB, sess *Session, s string) {
	tb.Helper()
	duettest.Poll(tb, fmt.Sprintf("the session to show %q", s), func() bool {
		return strings.Contains(sess.Screen().Text(), s)
	})
}

// waitTerm waits until the terminal shows s on its screen.
func waitTerm(tb testing.TB, term *markedTerminal, s string) {
	tb.Helper()
	duettest.Poll(tb, fmt.Sprintf("the partner's terminal to show %q", s), func() bool {
		return strings.Contains(term.Screen().Text(), s)
	})
}

// TestHistoryForLateJoiner: a partner joining after 300 lines of output has them in its
// terminal's scrollback, each once, before the screen; with History N only the last N.
func TestHistoryForLateJoiner(t *testing.T) {
	s := startSession(t, Options{}, "seq 1 300; echo done; exec cat")
	waitScreen(t, s, "done")
	term := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	follow(t, s, AttachOptions{Name: "late", Cols: 80, Rows: 24, History: AllHistory}, term)
	waitTerm(t, term, "done")
	wantRun(t, duettest.Numbered(term.Lines()), 1, 300)
	// The writer tells the mark right after the write the terminal took.
	duettest.Poll(t, "the mark of the history sent", func() bool {
		m := term.mark()
		return m.Session == s.ID() && m.Lines == s.Screen().Scrolled()
	})

	few := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	follow(t, s, AttachOptions{Name: "few", Cols: 80, Rows: 24, History: 50}, few)
	waitTerm(t, few, "done")
	got := duettest.Numbered(few.Lines())
	onScreen := 300 - int(s.Screen().Scrolled()) // the numbers the screen shows
	wantRun(t, got, 300-onScreen-50+1, 300)

	none := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	follow(t, s, AttachOptions{Name: "none", Cols: 80, Rows: 24}, none)
	waitTerm(t, none, "done")
	wantRun(t, duettest.Numbered(none.Lines()), 300-onScreen+1, 300)
}

// TestHistoryResume: a partner that comes back says what it has (its Mark), and gets
// only the lines it missed: its terminal then has every line once.
func TestHistoryResume(t *testing.T) {
	s := startSession(t, Options{}, "seq 1 100; read x; seq 101 200; read x; seq 201 400; echo done; exec cat")
	waitScreen(t, s, "100")
	term := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	detach := follow(t, s, AttachOptions{Name: "p", Cols: 80, Rows: 24, History: AllHistory}, term)
	host, _, _ := attach(t, s, AttachOptions{Name: "host", Host: true})
	host.Write([]byte("\n"))
	waitTerm(t, term, "200")
	duettest.Poll(t, "the mark after 200", func() bool { return term.mark().Lines == s.Screen().Scrolled() })
	detach() // the link drops
	has := term.mark()
	host.Write([]byte("\n"))
	waitScreen(t, s, "done")
	follow(t, s, AttachOptions{Name: "p again", Cols: 80, Rows: 24, History: AllHistory, Has: has}, term)
	waitTerm(t, term, "done")
	wantRun(t, duettest.Numbered(term.Lines()), 1, 400)

	// A Mark of another session is worth nothing: all the history comes.
	other := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	follow(t, s, AttachOptions{Name: "o", Cols: 80, Rows: 24, History: AllHistory, Has: Mark{Session: "elsewhere", Lines: 390}}, other)
	waitTerm(t, other, "done")
	wantRun(t, duettest.Numbered(other.Lines()), 1, 400)
}

// secretsWhilePaused runs a session that prints 1 to 30, then 40 secret lines while the
// host has sharing paused, then 31 to last and "done", and returns once it is done.
func secretsWhilePaused(t *testing.T, last int) *Session {
	t.Helper()
	s := startSession(t, Options{}, fmt.Sprintf("seq 1 30; read x; seq -f secret-%%g 1 40; read x; seq 31 %d; echo done; exec cat", last))
	waitScreen(t, s, "30")
	host, _, _ := attach(t, s, AttachOptions{Name: "host", Host: true})
	s.Pause(false)
	host.Write([]byte("\n"))
	waitScreen(t, s, "secret-40")
	s.Resume()
	host.Write([]byte("\n"))
	waitScreen(t, s, "done")
	return s
}

// wantSecretsPrivate checks the history of a session from secretsWhilePaused: a partner
// joining late gets 1 to last, each once, and none of the secrets that scrolled past
// while paused; the host's own client gets those too.
func wantSecretsPrivate(t *testing.T, s *Session, last int) {
	t.Helper()
	term := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	follow(t, s, AttachOptions{Name: "late", Cols: 80, Rows: 24, History: AllHistory}, term)
	waitTerm(t, term, "done")
	lines := term.Lines()
	// The secrets that scrolled past while paused are not there; those still on the
	// screen at Resume were repainted to everyone then, and scroll on as any line.
	for _, l := range lines {
		if l == "secret-1" || l == "secret-10" {
			t.Fatalf("the history has %q, which scrolled past while sharing was paused:\n%s", l, strings.Join(lines, "\n"))
		}
	}
	wantRun(t, duettest.Numbered(lines), 1, last)

	own := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	follow(t, s, AttachOptions{Name: "window", Host: true, Cols: 80, Rows: 24, History: AllHistory}, own)
	waitTerm(t, own, "done")
	if !strings.Contains(strings.Join(own.Lines(), "\n"), "secret-1\n") {
		t.Error("the host's own client lacks what scrolled past while paused")
	}
}

// TestHistoryKeepsPausedOutputPrivate: lines that scrolled past while sharing was paused
// are in no partner's history; the host's own client gets them.
func TestHistoryKeepsPausedOutputPrivate(t *testing.T) {
	wantSecretsPrivate(t, secretsWhilePaused(t, 60), 60)
}

// TestMoveKeepsHistory: a session that moves to another process takes its scrollback:
// a partner joining it there gets every line once (none that scrolled past while
// sharing was paused), the host's own client those too, and the lines' numbering goes
// on, so that a partner who had all the history before the move gets none again.
func TestMoveKeepsHistory(t *testing.T) {
	s := secretsWhilePaused(t, 300)
	before := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	follow(t, s, AttachOptions{Name: "before", Cols: 80, Rows: 24, History: AllHistory}, before)
	waitTerm(t, before, "done")
	scrolled, kept := s.Screen().Scrolled(), s.Screen().ScrollbackLen()
	shown := duettest.Numbered(strings.Split(s.Screen().Text(), "\n")) // the numbers on the screen
	if len(shown) == 0 {
		t.Fatalf("no numbers on the screen:\n%s", s.Screen().Text())
	}
	duettest.Poll(t, "the mark of the history sent", func() bool { return before.mark().Lines == scrolled })

	m, err := s.Move()
	if err != nil {
		t.Fatal(err)
	}
	var to Registry
	defer to.Close()
	a, err := to.Adopt(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, n := a.Screen().Scrolled(), a.Screen().ScrollbackLen(); got != scrolled || n != kept {
		t.Fatalf("adopted with %d lines scrolled and %d kept, want %d and %d", got, n, scrolled, kept)
	}

	wantSecretsPrivate(t, a, 300) // as before the move

	// Had everything before the move: gets only the screen.
	back := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	follow(t, a, AttachOptions{Name: "back", Cols: 80, Rows: 24, History: AllHistory, Has: before.mark()}, back)
	waitTerm(t, back, "done")
	wantRun(t, duettest.Numbered(back.Lines()), shown[0], 300)
}
