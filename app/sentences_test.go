package app

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/duetpair/duet/sessions"
)

// TestHostingSentences: a used port, a command that is not there, a name taken: one
// sentence each, saying what to do, never a Go error.
func TestHostingSentences(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{hostingError("127.0.0.1:2222", &net.OpError{Op: "listen", Err: syscall.EADDRINUSE}), "another program already listens on 127.0.0.1:2222: choose another address in Settings"},
		{hostingError(":80", &net.OpError{Op: "listen", Err: syscall.EACCES}), "ports below 1024 need administrator rights"},
		{startError("pair", "nosuchcmd --flag", fmt.Errorf("session pair: %w", &exec.Error{Name: "nosuchcmd", Err: exec.ErrNotFound})), `there is no command "nosuchcmd": check its spelling, or give its full path`},
		{startError("a b", "", errors.New(`session name "a b": use up to 64 letters`)), `"a b" cannot be a session name`},
		{startError("main", "", fmt.Errorf("start session main: %w", sessions.ErrNameTaken)), "a session named main is already hosted: choose another name"},
	} {
		if !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("said %q, want %q in it", tc.err, tc.want)
		}
	}
}

// TestUsedPortAndMissingCommandAreSentences: the real failures, through the window.
func TestUsedPortAndMissingCommandAreSentences(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	h := newHarness(t, options{noHostOnStart: true})
	h.ui(func() {
		h.u.cfg.Listen = l.Addr().String()
		h.u.hostSession("main", "")
		if h.u.lastError == nil || !strings.Contains(h.u.lastError.text, "another program already listens on "+l.Addr().String()) {
			t.Errorf("a used port said %+v", h.u.lastError)
		}
		h.u.cfg.Listen = "127.0.0.1:0"
		h.u.lastError = nil
		// Enter in the Host dialog hosts; a command that is not there is a sentence.
		test.Tap(h.u.list.host)
		h.u.list.hostName.SetText("pair")
		h.u.list.hostCmd.SetText("duet-no-such-command-here")
		h.u.list.hostCmd.OnSubmitted(h.u.list.hostCmd.Text)
	})
	h.waitFor("the missing command's sentence", func() bool { return h.u.lastError != nil })
	h.ui(func() {
		if got := h.u.lastError.text; !strings.Contains(got, `there is no command "duet-no-such-command-here"`) || strings.Contains(got, "$PATH") {
			t.Errorf("a missing command said %q", got)
		}
	})
}

// TestCommandExitingAtOnceSaysSo: a hosted command that exits as soon as it starts is
// not a silent disappearance.
func TestCommandExitingAtOnceSaysSo(t *testing.T) {
	h := newHarness(t, options{noHostOnStart: true})
	h.ui(func() { h.u.hostSession("quick", "false") })
	h.waitFor("the sentence about the command that exited", func() bool {
		return h.u.lastError != nil && len(h.u.entries) == 0
	})
	h.ui(func() {
		want := "The session quick ended as soon as it started: false exited (exit status 1)"
		if !strings.HasPrefix(h.u.lastError.text, want) {
			t.Errorf("said %q, want %q", h.u.lastError.text, want)
		}
	})
}

// TestCopyButtonReturnsToItsIcon: a Copy button shows it copied, then is a Copy button
// again.
func TestCopyButtonReturnsToItsIcon(t *testing.T) {
	h := newHarness(t, options{})
	var r *copyRow
	h.ui(func() {
		r = h.u.share.lines[0]
		test.Tap(r.copy)
		if r.copy.Icon.Name() != theme.ConfirmIcon().Name() {
			t.Errorf("icon %q after Copy: no sign that it copied", r.copy.Icon.Name())
		}
	})
	h.waitFor("the copy icon again", func() bool { return r.copy.Icon.Name() == theme.ContentCopyIcon().Name() })
}
