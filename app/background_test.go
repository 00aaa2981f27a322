//go:build !windows

package app

import (
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/background"
	"github.com/duetpair/duet/sessions/host"
)

// inProcessBackground is a Config.Keep that runs the background host (background.Run,
// what `duet host --background` runs) in the test's process, so that the window's test
// needs no duet binary; cmd/duet's tests run it as a process of its own.
func inProcessBackground(t *testing.T, store *keys.Store) func(*background.Handoff) error {
	return func(ho *background.Handoff) error {
		hk, err := store.LoadOrCreateHostKey()
		if err != nil {
			return err
		}
		// The background host gets its own copies, as a process started with them would.
		own := &background.Handoff{Addr: ho.Addr, Sessions: ho.Sessions, Grants: ho.Grants}
		if err := dupHandoff(ho, own); err != nil {
			return err
		}
		ready := make(chan error, 1)
		done := make(chan struct{})
		quit := make(chan struct{})
		go func() {
			defer close(done)
			err := background.Run(background.Config{
				Dir: store.Dir(), Handoff: own, Logger: slog.New(slog.DiscardHandler),
				NewHost: func(reg *sessions.Registry) *host.Server {
					return &host.Server{Sessions: reg, HostKey: hk.Signer, Approved: store.Approved()}
				},
				Ready: func(string) { ready <- nil },
				Quit:  quit,
			})
			ready <- err
		}()
		t.Cleanup(func() {
			close(quit)
			<-done
		})
		if err := <-ready; err != nil {
			return err
		}
		return nil
	}
}

// dupHandoff gives to copies of the files of from (the caller closes from's).
func dupHandoff(from, to *background.Handoff) error {
	dup := func(fd uintptr) (*os.File, error) {
		n, err := syscall.Dup(int(fd))
		if err != nil {
			return nil, err
		}
		syscall.CloseOnExec(n)
		return os.NewFile(uintptr(n), "copy"), nil
	}
	l, err := dup(from.Listener.Fd())
	if err != nil {
		return err
	}
	to.Listener = l
	to.Sessions = nil
	for _, m := range from.Sessions {
		f, err := dup(m.Master.Fd())
		if err != nil {
			return err
		}
		c := *m
		c.Master = f
		to.Sessions = append(to.Sessions, &c)
	}
	return nil
}

// TestQuitKeepsSessionsRunning: quitting with a session running asks; keeping it hands
// the very shell to a background host (the window's own typing set a variable and its
// process id, both still there later), a window opened on the same config dir takes it
// back as a tab the host types in, and quitting that one with "Stop" ends the shell.
func TestQuitKeepsSessionsRunning(t *testing.T) {
	store := keys.NewStore(t.TempDir())
	h := newHarness(t, options{store: store, keep: inProcessBackground(t, store)})
	h.waitFor("the default session", func() bool { return len(h.u.entries) == 1 })
	var pid int
	h.ui(func() {
		pid = h.u.entries[0].session.Pid()
		test.Type(h.u.entries[0].term, "X=kept-$$; echo up-$X\r")
	})
	h.waitFor("the window's typing", func() bool {
		return strings.Contains(h.u.entries[0].session.Screen().Text(), "up-kept-")
	})
	h.ui(func() {
		h.u.onCloseWindow()
		q := h.u.quitDialog
		if h.u.quitting || q == nil || q.keep == nil {
			t.Fatal("quitting with a session running did not ask whether to keep it")
		}
		if !strings.Contains(q.text.Text, "A session is running. Keep it running in the background") ||
			q.keep.Text != "Keep it running in the background" || q.stop.Text != "Stop it and quit" {
			t.Errorf("the quit dialog says %q, buttons %q, %q", q.text.Text, q.keep.Text, q.stop.Text)
		}
		test.Tap(q.keep)
	})
	h.waitFor("the window to quit", func() bool {
		select {
		case <-h.u.stop: // shut down once the background host took the sessions
			return h.u.quitting && len(h.u.entries) == 1
		default:
			return false
		}
	})
	ls, err := background.List(store.Dir())
	if err != nil || len(ls.Sessions) != 1 || ls.Sessions[0].Name != "main" {
		t.Fatalf("the background host lists %+v (%v), want session main", ls, err)
	}
	if !alive(pid) {
		t.Fatal("the shell ended with the window")
	}
	h.close() // one window at a time: Fyne's test driver shares its text shaper

	// Duet opens again: the session comes back, the same shell.
	h2 := newHarness(t, options{store: store})
	h2.waitFor("the session back as a tab", func() bool {
		return len(h2.u.entries) == 1 && h2.u.entries[0].name == "main" && h2.u.selected == h2.u.entries[0]
	})
	if _, err := background.List(store.Dir()); !errors.Is(err, background.ErrNone) {
		t.Errorf("the background host still runs after the window took its sessions: %v", err)
	}
	h2.waitFor("the session's screen as it was", func() bool {
		return strings.Contains(h2.u.entries[0].term.Screen().Text(), "up-kept-")
	})
	h2.ui(func() {
		if got := h2.u.entries[0].session.Pid(); got != pid {
			t.Errorf("the session came back with process %d, want %d", got, pid)
		}
		test.Type(h2.u.entries[0].term, "echo back-$X-$(( $$ == "+strconv.Itoa(pid)+" ))\r")
	})
	h2.waitFor("the window types into the same shell", func() bool {
		return strings.Contains(h2.u.entries[0].term.Screen().Text(), "back-kept-"+strconv.Itoa(pid)+"-1")
	})

	// Quitting again, this time stopping the session.
	h2.ui(func() {
		h2.u.onCloseWindow()
		test.Tap(h2.u.quitDialog.stop)
	})
	duettest.Poll(t, "the shell to end", func() bool { return !alive(pid) })
}

func alive(pid int) bool { return syscall.Kill(pid, 0) != syscall.ESRCH }

// TestKeepFailsSessionsStay: when the background host cannot take the sessions, the
// window stays open with them (the same shell, still served to partners on the same
// address) and says why.
func TestKeepFailsSessionsStay(t *testing.T) {
	h := newHarness(t, options{keep: func(*background.Handoff) error { return errors.New("no room for it") }})
	h.waitFor("the default session", func() bool { return len(h.u.entries) == 1 })
	addr := h.hostAddr()
	var pid int
	h.ui(func() {
		pid = h.u.entries[0].session.Pid()
		h.u.onCloseWindow()
		test.Tap(h.u.quitDialog.keep)
	})
	h.waitFor("the sessions back in the window, and why", func() bool {
		return !h.u.quitting && len(h.u.entries) == 1 && h.u.lastError != nil && h.u.hosting != nil
	})
	h.ui(func() {
		if got := h.u.entries[0].session.Pid(); got != pid {
			t.Errorf("the session came back as process %d, want %d", got, pid)
		}
		if h.u.hosting.addr != addr {
			t.Errorf("hosting on %s after the failed keep, want %s", h.u.hosting.addr, addr)
		}
		if txt := h.u.lastError.text; !strings.Contains(txt, "could not keep the sessions running in the background") ||
			!strings.Contains(txt, "no room for it") {
			t.Errorf("the error says %q", txt)
		}
	})
	p := h.join("main")
	h.waitApproval(1)
	_ = p
}
