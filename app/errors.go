package app

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/join"
	"github.com/duetpair/duet/sessions/wire"
)

// errorDialog is the dialog showing the last error, kept for tests.
type errorDialog struct {
	dlg  dialog.Dialog
	text string
}

// showError tells the user what went wrong in one sentence: what (if given) and why,
// and logs the detail once.
func (u *UI) showError(what string, err error) {
	text := sentence(what, err)
	u.log.Warn(strings.TrimSuffix(text, "."), "err", err)
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Duet", "OK", fixedWidth(420, l), u.w)
	u.lastError = &errorDialog{dlg: d, text: text}
	d.Show()
}

// sentence makes one sentence of what failed and why: "Duet could not start hosting:
// listen on :2222: address already in use."
func sentence(what string, err error) string {
	why := ""
	if err != nil {
		why = err.Error()
	}
	s := why
	if what != "" {
		s = what
		if why != "" {
			s += ": " + why
		}
	}
	// The error may carry a server's or partner's words: shown as data, one line.
	s = safetext.Line(strings.TrimSpace(s), safetext.MaxLine)
	if s == "" {
		return "Something went wrong."
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	s = string(r)
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// joinError says why joining addr failed, in words a user acts on.
func joinError(addr join.Address, err error) error {
	var he *keys.HostKeyError
	var pe *join.PinError
	var ae *join.AuthError
	var re *join.RefusedError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &he) && errors.Is(err, errNotTrusted):
		return fmt.Errorf("you did not trust the key of %s, so Duet did not join", he.Host)
	case errors.As(err, &he) && errors.Is(err, errNotReplaced):
		return fmt.Errorf("you kept the stored key of %s, so Duet did not join", he.Host)
	case errors.As(err, &he):
		return fmt.Errorf("%s is not a known host and its key was not trusted", he.Host)
	case errors.As(err, &pe):
		return fmt.Errorf("the host key of %s is not the one in the invite, so Duet did not join (someone may be intercepting the connection)", pe.Host)
	case errors.As(err, &ae) && !ae.KeysRefused():
		return ae // what the server asked for, in its sentence
	case errors.As(err, &ae):
		return fmt.Errorf("%s accepted none of your keys: send the host your public key (Keys) to approve", addr.HostPort())
	case errors.As(err, &re):
		return re
	case errors.Is(err, join.ErrHostClosed):
		return errors.New("the host closed the session")
	case errors.As(err, &oe) && oe.Op == "dial":
		return fmt.Errorf("could not reach %s (%v)", addr.HostPort(), oe.Err)
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%s did not answer in time", addr.HostPort())
	}
	return fmt.Errorf("joining %s failed: %w", addr.HostPort(), err)
}

// hostingError says why the window could not listen on listen ("" means the default
// port), and what to do.
func hostingError(listen string, err error) error {
	where := "port " + fmt.Sprint(wire.DefaultPort)
	if listen != "" {
		where = listen
	}
	switch {
	case errors.Is(err, syscall.EADDRINUSE) || strings.Contains(err.Error(), "address already in use"):
		return fmt.Errorf("another program already listens on %s: choose another address in Settings (Listen on), or stop that program, and open Duet again", where)
	case errors.Is(err, syscall.EACCES) || errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("this system does not let Duet listen on %s (ports below 1024 need administrator rights): choose a port above 1024 in Settings (Listen on)", where)
	case errors.Is(err, syscall.EADDRNOTAVAIL) || strings.Contains(err.Error(), "no such host") || strings.Contains(err.Error(), "missing port"):
		return fmt.Errorf("%s is not an address of this computer to listen on: fix it in Settings (Listen on), for example :2222", where)
	}
	return fmt.Errorf("listening on %s failed (%v): check the address in Settings (Listen on)", where, err)
}

// startError says why a session's command could not start, and what to do.
func startError(name, command string, err error) error {
	prog := command
	if f := strings.Fields(command); len(f) > 0 {
		prog = f[0]
	}
	switch {
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("there is no command %q: check its spelling, or give its full path", prog)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%q is not a program Duet may run: check its permissions", prog)
	case errors.Is(err, sessions.ErrNameTaken):
		return fmt.Errorf("a session named %s is already hosted: choose another name", name)
	case strings.Contains(err.Error(), "session name"):
		return fmt.Errorf("%q cannot be a session name: use up to 64 letters, digits and punctuation other than @ : / (no spaces)", name)
	}
	return fmt.Errorf("its command could not start (%v)", err)
}
