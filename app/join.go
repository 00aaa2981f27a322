package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/join"
	"github.com/duetpair/duet/sessions/wire"
)

// errNotTrusted is the answer "no" to the question about an unknown host key.
var errNotTrusted = errors.New("host key not trusted")

// joinDialog asks for an address or invite to join.
type joinDialog struct {
	dlg    *dialog.CustomDialog
	addr   *widget.Entry
	join   *widget.Button
	cancel *widget.Button
	failed *widget.Label // why the last attempt failed, when the dialog offers Retry
}

// joining is a joined connection: its stream, and the connection once Dial returned.
type joining struct {
	addr   join.Address
	stream *joinStream

	mu     sync.Mutex // guards the fields below
	conn   *join.Conn
	closed bool // closeJoin was called
}

// showJoin opens the join dialog.
func (u *UI) showJoin() { u.showJoinAgain("", nil) }

// showJoinAgain opens the join dialog with text in it; after a failed attempt (failure
// not nil) it says why and offers Retry, so the address is not typed again.
func (u *UI) showJoinAgain(text string, failure error) {
	j := &joinDialog{addr: widget.NewEntry(), failed: caption("")}
	j.addr.SetPlaceHolder("192.168.1.5, host:port or duet://… invite")
	j.addr.OnSubmitted = func(string) { u.onJoinSubmit(j) }
	j.join = widget.NewButtonWithIcon("Join", theme.LoginIcon(), func() { u.onJoinSubmit(j) })
	j.join.Importance = widget.HighImportance
	j.cancel = widget.NewButton("Cancel", func() { j.dlg.Hide() })
	help := caption("Paste the invite or the address the host shares. Joining also works with any SSH server (ssh://user@server).")
	j.addr.SetText(text)
	if failure != nil {
		j.join.SetText("Retry")
		j.failed.SetText(sentence("", failure))
		j.failed.Importance = widget.DangerImportance
	} else {
		j.failed.Hide()
	}
	content := container.NewVBox(widget.NewLabel("Address or invite"), j.addr, j.failed, help)
	j.dlg = dialog.NewCustomWithoutButtons("Join a session", fixedWidth(520, content), u.w)
	j.dlg.SetButtons([]fyne.CanvasObject{j.cancel, j.join})
	u.joinDlg = j
	j.dlg.Show()
	u.w.Canvas().Focus(j.addr)
}

// onJoinSubmit reads the address and joins it.
func (u *UI) onJoinSubmit(j *joinDialog) {
	text := strings.TrimSpace(j.addr.Text)
	if text == "" {
		return
	}
	addr, err := join.ParseAddress(text)
	if err != nil {
		u.showError("", err)
		return
	}
	j.dlg.Hide()
	u.join(addr)
}

// join starts joining addr in a new entry; Dial runs in the background.
func (u *UI) join(addr join.Address) {
	e := newEntry(u, fmt.Sprintf("%s on %s", addr.User, addr.Host), addr.HostPort())
	e.state = "connecting"
	e.term.AnswerQueries(true) // a plain SSH channel: the widget answers terminal queries
	e.term.OnShortcut = u.panShortcuts(e)
	e.showOverlay(fmt.Sprintf("Connecting to %s…", addr.HostPort()))
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	j := &joining{addr: addr, stream: newJoinStream()}
	e.join = j
	j.stream.onOutput = func() {
		fyne.Do(func() {
			if !e.ended {
				e.state = "joined"
				e.showOverlay("")
				u.list.refresh()
			}
		})
	}
	u.addEntry(e) // laid out first: the host is told the terminal's real size
	cols, rows := e.term.GridSize()
	cfg := join.Config{
		Store:       u.cfg.Store,
		Name:        u.settings.displayName(),
		Term:        "xterm-256color",
		Cols:        cols,
		Rows:        rows,
		Stderr:      j.stream.stderr(),
		ConfirmHost: u.confirmHost(ctx, trustKindOf(addr)),
		ReplaceHost: u.replaceHost(ctx),
		Passphrase:  u.askPassphrase(ctx),
		Prompt:      u.askPrompt(ctx),
		Status:      func(s join.Status) { fyne.Do(func() { u.joinStatus(e, s) }) },
		Pair: func(m wire.Message) {
			fyne.Do(func() {
				if !e.ended {
					e.pair.onMessage(m)
				}
			})
		},
		Sized:  true, // the session at its size, the rest shaded (joinStream)
		Logger: u.log,
	}
	e.pair.act = joinedPair{e}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		conn, err := join.Dial(ctx, addr, cfg)
		if err != nil {
			j.stream.abort()
			fyne.Do(func() { u.joinFailed(e, addr, err) })
			return
		}
		j.mu.Lock()
		closed := j.closed
		if !closed {
			j.conn = conn
		}
		j.mu.Unlock()
		if closed { // the user left while joining
			conn.Close()
			j.stream.abort()
			return
		}
		j.stream.start(conn)
		fyne.Do(func() { u.joinConnected(e) })
		watchRTT(conn, func(d time.Duration) { fyne.Do(func() { u.joinRTT(e, d) }) })
		status, werr := conn.Wait()
		said := conn.HostSaid()
		fyne.Do(func() { u.joinFinished(e, addr, status, werr, said) })
	}()
}

// rttEvery is how often a joined session's round trip is shown anew.
const rttEvery = 2 * time.Second

// watchRTT tells show the connection's round trip every rttEvery until it ends.
func watchRTT(conn *join.Conn, show func(time.Duration)) {
	t := time.NewTicker(rttEvery)
	defer t.Stop()
	for {
		select {
		case <-conn.Done():
			return
		case <-t.C:
			if d := conn.RTT(); d > 0 {
				show(d)
			}
		}
	}
}

// joinRTT shows a joined session's round trip in its header, and lets its terminal
// predict the echo of what is typed when the round trip is long.
func (u *UI) joinRTT(e *entry, d time.Duration) {
	if e.ended || !u.has(e) {
		return
	}
	e.term.SetRoundTrip(d)
	if d = shownRTT(d); d != e.rtt {
		e.rtt = d
		if u.centre.shown == e {
			u.centre.updateHeader()
		}
	}
}

// joinConnected shows the connection in the entry's terminal.
func (u *UI) joinConnected(e *entry) {
	if e.ended || !u.has(e) {
		return
	}
	if e.state == "connecting" {
		e.state = "joined"
		e.showOverlay("")
	}
	e.term.Attach(e.join.stream)
	u.list.refresh()
	if u.selected == e {
		u.w.Canvas().Focus(e.term)
	}
}

// joinFailed says why Dial failed, in one sentence, and drops the entry.
func (u *UI) joinFailed(e *entry, addr join.Address, err error) {
	if !u.has(e) {
		return // the user closed it while joining
	}
	e.join = nil
	e.ended = true
	u.removeEntry(e)
	if errors.Is(err, context.Canceled) {
		return
	}
	u.log.Info("join failed", "remote", addr.HostPort(), "err", err)
	var he *keys.HostKeyError
	if errors.As(err, &he) && errors.Is(err, keys.ErrHostKeyChanged) && !errors.Is(err, errNotReplaced) {
		u.showHostKeyChanged("the host", he, func() { u.join(addr) })
		return
	}
	// The address stays in the dialog, with why it failed and Retry; no entry is left
	// behind, so attempts do not pile up in the sidebar.
	u.showJoinAgain(addr.String(), joinError(addr, err))
}

// joinFinished shows how a joined session ended: in the list, and in a dialog if the host
// refused us.
func (u *UI) joinFinished(e *entry, addr join.Address, status int, err error, said wire.Status) {
	if e.ended || !u.has(e) {
		return
	}
	e.ended = true
	e.showOverlay("")
	switch {
	case errors.Is(err, join.ErrConnClosed):
		e.state = "left"
	case refused(said.State):
		// Refused (denied, timed out, busy): the entry goes, and the dialog offers Retry
		// with the address, so refused attempts do not pile up as identical entries.
		u.removeEntry(e)
		u.showJoinAgain(addr.String(), errors.New(said.Message()))
		return
	case err != nil:
		e.state = "ended"
		u.showError("", joinError(addr, err))
	case said.State == wire.Kicked:
		e.state = "the host disconnected you"
	case said.State == wire.Stopped:
		e.state = "the host stopped sharing"
	case said.State == wire.Ended && said.Text == sessions.EndedByHost:
		e.state = "the host ended the session"
	default:
		e.state = fmt.Sprintf("ended (exit status %d)", status)
	}
	u.list.refresh()
}

// refused reports whether a host's last status says it did not let us in.
func refused(s wire.State) bool {
	switch s {
	case wire.Denied, wire.TimedOut, wire.Busy, wire.Refused:
		return true
	}
	return false
}

// joinStatus shows a joined connection's news.
func (u *UI) joinStatus(e *entry, s join.Status) {
	switch s.State {
	case join.HostSaid:
		switch {
		case e.ended:
			return
		case s.Host.State == wire.Waiting:
			e.state = "waiting for approval"
			e.showOverlay("Waiting for the host to approve your key\n" + s.Host.Fingerprint)
		case s.Host.State == wire.Approved:
			e.state = "joined"
			e.showOverlay("")
		case s.Host.State == wire.Recording, s.Host.State == wire.NotRecording,
			s.Host.State == wire.Paused, s.Host.State == wire.Resumed:
			e.hostNews(s.Host.State)
			u.centre.updateHeader()
		case s.Host.State == wire.Role:
			e.viewOnly = s.Host.Text == wire.RoleView
		case s.Host.State == wire.View:
			e.hostView(s.Host)
		default:
			return
		}
	case join.Reconnecting:
		// A banner over the terminal, not only a word in the list: the connection is
		// down, and what is typed now waits (join.MaxHeldInput).
		e.state = "reconnecting"
		e.viewOf = "" // the host tells the next connection again
		e.showOverlay("Connection lost: reconnecting…\n" + s.String())
	case join.Reconnected:
		e.state = "joined"
		e.showOverlay("")
		if s.Discarded > 0 {
			u.showError("", errors.New(s.String()))
		}
	default:
		return
	}
	u.list.refresh()
}

// closeJoin closes a joined connection in the background (the host is untouched).
func (u *UI) closeJoin(j *joining) {
	j.mu.Lock()
	j.closed = true
	conn := j.conn
	j.mu.Unlock()
	if conn == nil {
		return
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		conn.Close()
	}()
}

func (u *UI) has(e *entry) bool {
	for _, o := range u.entries {
		if o == e {
			return true
		}
	}
	return false
}

// trustDialog asks whether to trust an unknown host's key.
type trustDialog struct {
	dlg    *dialog.CustomDialog
	trust  *widget.Button
	cancel *widget.Button
}

// trustKind is what an unknown host is to the user, which says where to check its key.
type trustKind uint8

const (
	trustDuetHost  trustKind = iota // a Duet host: it shows its fingerprint
	trustSSHServer                  // an SSH server joined with ssh://
	trustRelay                      // the relay the window hosts through
)

func trustKindOf(addr join.Address) trustKind {
	if addr.SSH {
		return trustSSHServer
	}
	return trustDuetHost
}

// confirmHost is the join's keys.ConfirmHostFunc: it asks on the UI goroutine and
// waits for the answer or ctx. kind says what the host is, and so where to check it.
func (u *UI) confirmHost(ctx context.Context, kind trustKind) keys.ConfirmHostFunc {
	return func(host string, key ssh.PublicKey) error {
		return u.waitAnswer(ctx, errNotTrusted,
			func(ans chan<- bool) { u.askTrust(host, key, kind, ans) },
			func() {
				if u.trustDlg != nil {
					u.trustDlg.dlg.Hide()
				}
			})
	}
}

// waitAnswer runs ask on the UI goroutine (it shows a question whose answer it sends on
// ans, once) and waits for the answer: nil for yes, no for no. If ctx ends first, hide
// takes the question away (on the UI goroutine) and ctx's error is returned.
func (u *UI) waitAnswer(ctx context.Context, no error, ask func(ans chan<- bool), hide func()) error {
	ans := make(chan bool, 1)
	fyne.Do(func() { ask(ans) })
	select {
	case ok := <-ans:
		if ok {
			return nil
		}
		return no
	case <-ctx.Done():
		fyne.Do(hide)
		return ctx.Err()
	}
}

func (u *UI) askTrust(host string, key ssh.PublicKey, kind trustKind, ans chan<- bool) {
	t := &trustDialog{}
	answered := false
	answer := func(ok bool) {
		if answered {
			return
		}
		answered = true
		ans <- ok // buffered 1, sent once
		t.dlg.Hide()
	}
	trustText := "Trust and join"
	introText := fmt.Sprintf("You have not joined %s before. Check with the host that its key fingerprint is:", host)
	noteText := "Duet remembers the key; an invite (duet://…) checks it without asking."
	switch kind {
	case trustSSHServer:
		introText = fmt.Sprintf("You have not joined %s before. Check on that server (ssh-keygen -lf %s) that its key fingerprint is:",
			host, keys.ServerKeyFile(key))
	case trustRelay:
		trustText = "Trust and relay"
		introText = fmt.Sprintf("You have not relayed through %s before. Check on that server (ssh-keygen -lf %s) that its key fingerprint is:",
			host, keys.ServerKeyFile(key))
		noteText = "Duet remembers the key. Partners check your host's key, not the relay's."
	}
	t.trust = widget.NewButtonWithIcon(trustText, theme.ConfirmIcon(), func() { answer(true) })
	t.trust.Importance = widget.HighImportance
	t.cancel = widget.NewButton("Cancel", func() { answer(false) })
	intro := widget.NewLabel(introText)
	intro.Wrapping = fyne.TextWrapWord
	fp := widget.NewLabelWithStyle(keys.Fingerprint(key), fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	note := caption(noteText)
	t.dlg = dialog.NewCustomWithoutButtons("Trust this host?", fixedWidth(520, container.NewVBox(intro, fp, note)), u.w)
	t.dlg.SetButtons([]fyne.CanvasObject{t.cancel, t.trust})
	t.dlg.SetIcon(theme.WarningIcon())
	t.dlg.SetOnClosed(func() { answer(false) })
	u.trustDlg = t
	t.dlg.Show()
}

// askPrompt is the join's join.PromptFunc: it shows what the server asks (a password,
// a one-time code) in a dialog on the UI goroutine, with secret answers in password
// entries, and waits for the answers or ctx. The answers go to the server only; the
// entries are emptied once read.
func (u *UI) askPrompt(ctx context.Context) join.PromptFunc {
	return func(p join.Prompt) ([]string, error) {
		ans := make(chan []string, 1)
		fyne.Do(func() { u.showPrompt(p, ans) })
		select {
		case a := <-ans:
			if a == nil {
				return nil, errors.New("not answered")
			}
			return a, nil
		case <-ctx.Done():
			fyne.Do(func() {
				if u.promptDlg != nil {
					u.promptDlg.Hide()
				}
			})
			return nil, ctx.Err()
		}
	}
}

// promptIntro says who asks what, in a sentence (the server's own words escaped).
func promptIntro(p join.Prompt) string {
	server := safetext.Line(p.Server, safetext.MaxLine)
	var s string
	switch {
	case p.Again:
		s = server + " did not accept that. Try again."
	case p.AfterKey:
		s = server + " accepted your key and asks for more (a second factor)."
	case p.Kind == join.AskPassword:
		s = server + " asks for your password."
	default:
		s = server + " asks:"
	}
	for _, t := range []string{p.Name, p.Instruction} {
		if t = strings.TrimSpace(t); t != "" {
			s += "\n" + safetext.Line(t, safetext.MaxLine)
		}
	}
	return s
}

// showPrompt shows the dialog of askPrompt; ans gets the answers, or nil if the user
// cancelled. UI goroutine.
func (u *UI) showPrompt(p join.Prompt, ans chan<- []string) {
	answered := false
	var entries []*widget.Entry
	var items []*widget.FormItem
	for _, q := range p.Questions {
		e := widget.NewEntry()
		if !q.Echo {
			e = widget.NewPasswordEntry()
		}
		entries = append(entries, e)
		items = append(items, widget.NewFormItem(safetext.Line(strings.TrimSpace(q.Text), 60), e))
	}
	intro := widget.NewLabel(promptIntro(p))
	intro.Wrapping = fyne.TextWrapWord
	items = append([]*widget.FormItem{widget.NewFormItem("", intro)}, items...)
	title := "Log in"
	if p.Kind == join.AskPassword {
		title = "Password"
	}
	d := dialog.NewForm(title, "Log in", "Cancel", items, func(ok bool) {
		if answered {
			return
		}
		answered = true
		var out []string
		if ok {
			out = make([]string, len(entries))
			for i, e := range entries {
				out[i] = e.Text
			}
		}
		for _, e := range entries {
			e.SetText("") // the secret leaves the widget
		}
		ans <- out // buffered 1, sent once
	}, u.w)
	d.Resize(fyne.NewSize(440, d.MinSize().Height))
	u.promptDlg = d
	d.Show()
	if len(entries) > 0 {
		u.w.Canvas().Focus(entries[0])
	}
}

// askPassphrase is the join's keys.PassphraseFunc: it asks for a key's passphrase on
// the UI goroutine and waits for the answer or ctx.
func (u *UI) askPassphrase(ctx context.Context) keys.PassphraseFunc {
	return func(path string) ([]byte, error) {
		ans := make(chan string, 1)
		fyne.Do(func() {
			pw := widget.NewPasswordEntry()
			d := dialog.NewForm("Passphrase", "Unlock", "Skip this key",
				[]*widget.FormItem{widget.NewFormItem(path, pw)}, func(ok bool) {
					if ok {
						ans <- pw.Text
					} else {
						ans <- ""
					}
				}, u.w)
			d.Show()
			u.w.Canvas().Focus(pw)
		})
		select {
		case p := <-ans:
			if p == "" {
				return nil, errors.New("no passphrase given")
			}
			return []byte(p), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
