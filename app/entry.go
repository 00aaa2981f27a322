package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/record"
	"github.com/duetpair/duet/terminal"
)

// entry is one session in the list: hosted here (session set) or joined (conn set once
// connected). Only the UI goroutine touches it.
type entry struct {
	u        *UI
	name     string
	command  string
	state    string // "running", "connecting", "waiting for approval", "joined", "ended: ..."
	partners int
	ended    bool
	viewOnly bool   // joined: the host lets us watch, not type
	viewOf   string // joined: the host's session's size ("120×40") while we see part of it

	term    *terminal.Terminal
	scroll  *terminal.Scrollbar
	font    *container.ThemeOverride // the terminal under the window's text size
	view    *fyne.Container          // the terminal with the overlay over it
	pane    *fyne.Container          // the view with the pairing strip over it and the chat under it
	pair    *pairView                // who is here, control, the call, the chat, points
	stopPr  chan struct{}            // hosted: closed when the entry leaves, stops watchPairing
	overlay *fyne.Container          // shown while connecting or waiting for approval
	note    *widget.Label            // the overlay's text
	shade   *widget.Label            // why part of the terminal is shaded (a partner's smaller terminal)
	shadeBx *fyne.Container          // the shade's card, over the terminal's bottom right
	st      sessionState             // the hosted session as last seen

	session *sessions.Session // hosted
	client  *sessions.Client  // the window's attachment to it
	rec     *record.Recorder  // hosted: recording it, or nil
	started time.Time         // hosted: when it started
	ending  bool              // hosted: the host asked it to end

	recorded bool          // joined: the host says it records the session
	paused   bool          // joined: the host paused sharing
	rtt      time.Duration // joined: the round trip to the host, once measured

	join   *joining // joined: the connection, once Dial returned
	cancel context.CancelFunc
}

func newEntry(u *UI, name, command string) *entry {
	e := &entry{u: u, name: name, command: command, term: terminal.New()}
	e.note = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	e.note.Wrapping = fyne.TextWrapWord
	bar := widget.NewProgressBarInfinite()
	card := container.NewVBox(e.note, bar)
	e.overlay = container.NewStack(
		canvasBackdrop(),
		container.NewCenter(fixedWidth(420, container.NewPadded(card))),
	)
	e.overlay.Hide()
	e.shade = widget.NewLabel("")
	e.shade.Wrapping = fyne.TextWrapWord
	e.shadeBx = container.New(shadeLayout{e.term, u.floatingWidth}, container.NewStack(canvasBackdrop(), e.shade))
	e.shadeBx.Hide()
	e.scroll = terminal.NewScrollbar(e.term)
	e.pair = newPairView(e)
	over := container.NewStack(e.term, e.pair.mark.layer, e.shadeBx, e.pair.mark.catcher)
	e.font = u.font.wrap(container.NewBorder(nil, nil, nil, e.scroll, over))
	e.view = container.NewStack(e.font, e.overlay)
	e.pane = container.NewBorder(e.pair.box, e.pair.chat.box, nil, nil, e.view)
	e.term.OnResize = func(int, int) { e.updateShade() }
	e.term.OnScreenResize = func(int, int) { e.updateShade() }
	return e
}

// setState takes the hosted session's state from the watcher.
func (e *entry) setState(st sessionState) {
	e.st = st
	e.partners = len(st.partners)
	e.updateShade()
}

// updateShade explains the shaded part of the terminal, if a partner's smaller terminal
// makes the session smaller than the window.
func (e *entry) updateShade() {
	cols, rows := e.term.GridSize()
	text := shadeText(e.st, cols, rows)
	if e.join != nil {
		sc, sr := e.term.ScreenSize()
		text = joinedShadeText(sc, sr, cols, rows)
	}
	if text == "" {
		e.shadeBx.Hide()
		return
	}
	e.shade.SetText(text)
	e.shadeBx.Show()
	e.shadeBx.Refresh() // the card goes where the shade is now
}

// shadeText says whose terminal sets the session's size when it is smaller than the
// window's cols x rows; "" when it is not, or when the window itself sets it.
func shadeText(st sessionState, cols, rows int) string {
	if st.cols == 0 || st.cols >= cols && st.rows >= rows {
		return ""
	}
	var who []partnerState
	for _, p := range st.partners {
		if p.limits {
			who = append(who, p)
		}
	}
	const outside = ". The shaded part of your terminal is outside it."
	whose := func(p partnerState) string { // "Alice's terminal", "The terminal of a partner from …"
		if p.name == partnerName(host.Partner{Remote: p.remote}) {
			return "The terminal of " + p.name
		}
		return p.name + "'s terminal"
	}
	switch len(who) {
	case 0:
		return "" // the window's own size is on its way to the session
	case 1:
		p := who[0]
		if p.cols == st.cols && p.rows == st.rows {
			return fmt.Sprintf("%s is %d×%d: the session is that size%s", whose(p), p.cols, p.rows, outside)
		}
		return fmt.Sprintf("%s is %d×%d: the session is %d×%d%s", whose(p), p.cols, p.rows, st.cols, st.rows, outside)
	case 2:
		return fmt.Sprintf("%s and %s have smaller terminals: the session is %d×%d%s", who[0].name, who[1].name, st.cols, st.rows, outside)
	}
	return fmt.Sprintf("%s, %s and %d more have smaller terminals: the session is %d×%d%s", who[0].name, who[1].name,
		len(who)-2, st.cols, st.rows, outside)
}

// joinedShadeText says why a joined session is smaller than the window's cols x rows
// (the host said so: someone else's smaller terminal types in it); "" when it is not.
func joinedShadeText(sessCols, sessRows, cols, rows int) string {
	if sessCols == 0 || sessCols >= cols && sessRows >= rows {
		return ""
	}
	return fmt.Sprintf("The session is %d×%d: a smaller terminal that types in it sets its size. The shaded part of your terminal is outside it.",
		sessCols, sessRows)
}

// newHostedEntry attaches the window to s, as one more client of it (the path a remote
// partner takes too).
func newHostedEntry(u *UI, s *sessions.Session) *entry {
	e := newEntry(u, s.Name(), s.Command())
	e.session = s
	e.state = "running"
	e.started = time.Now()
	e.term.AnswerQueries(false) // the session's screen model answers, once for everybody
	e.term.OnTitle = func(string) { u.centre.updateHeader() }
	e.term.OnShortcut = u.recordShortcuts(e)
	if err := e.attachTerm(); err != nil {
		e.ended, e.state = true, "ended"
		u.log.Warn("attach the window", "session", s.Name(), "err", err)
		return e
	}
	e.pair.act = hostedPair{e}
	e.stopPr = make(chan struct{})
	u.watchPairing(e)
	return e
}

// attachTerm attaches the entry's terminal to its hosted session. The widget's screen
// follows the session's size, which a partner's smaller terminal may make smaller than
// the widget: it shows exactly the session's screen, the rest shaded.
func (e *entry) attachTerm() error {
	cols, rows := e.term.GridSize()
	cl, err := e.session.Attach(sessions.AttachOptions{Name: windowClient, Host: true, Cols: cols, Rows: rows, FollowSize: true})
	if err != nil {
		return err
	}
	e.client = cl
	e.term.OnExit = e.onExit
	e.term.Attach(sessions.NewStream(cl))
	return nil
}

// hosted reports whether the session is hosted here.
func (e *entry) hosted() bool { return e.session != nil }

// onExit runs when the terminal of a hosted session ended.
func (e *entry) onExit(err error) {
	// A hosted session whose command ended leaves the list (joined ones are watched
	// through their connection: see UI.join).
	var exit *sessions.ExitError
	if errors.As(err, &exit) {
		e.u.log.Info("session ended", "session", e.name, "status", exit.Code)
	}
	e.ended = true
	e.u.stopRecording(e)
	e.u.removeEntry(e)
	if exit != nil && !e.ending && time.Since(e.started) < exitedAtOnce {
		e.u.showError("", exitedError(e.name, e.command, exit.Desc))
	}
}

// exitedError says that a hosted command ended as soon as it started.
func exitedError(name, command, desc string) error {
	if command == "" {
		command = "your login shell"
	}
	return fmt.Errorf("the session %s ended as soon as it started: %s exited (%s); check the command, or run it in a terminal to see why",
		name, command, desc)
}

// exitedAtOnce is how soon after it started a hosted command that exits is worth a word:
// it most likely could not do its job (a typo, a missing file).
const exitedAtOnce = 3 * time.Second

// showOverlay covers the terminal with a note and a progress bar; "" hides it.
func (e *entry) showOverlay(text string) {
	if text == "" {
		e.overlay.Hide()
		return
	}
	e.note.SetText(text)
	e.overlay.Show()
}

// close detaches the terminal: the window's client leaves a hosted session (which goes
// on), a joined connection is closed (the host is untouched).
func (e *entry) close() {
	if e.cancel != nil {
		e.cancel()
	}
	e.term.OnExit = nil
	if e.stopPr != nil {
		close(e.stopPr)
		e.stopPr = nil
	}
	e.u.stopRecording(e)
	e.term.Detach()
	if e.join != nil {
		e.u.closeJoin(e.join)
	}
}

// centre is the middle of the window: a header (the selected session's name, state and
// actions) over its terminal, or a welcome when there is no session.
type centre struct {
	u       *UI
	box     *fyne.Container
	title   *widget.Label
	detail  *widget.Label
	closeBt *widget.Button  // "Leave" for a joined session, "End" for a hosted one
	sideBt  *tipButton      // shows or hides the right panel
	rec     recordButtons   // Record and Pause sharing, for a hosted session
	top     *fyne.Container // the header and its separator
	stack   *fyne.Container
	empty   fyne.CanvasObject
	shown   *entry
}

func newCentre(u *UI) *centre {
	c := &centre{u: u}
	c.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.detail = widget.NewLabel("")
	c.detail.Truncation = fyne.TextTruncateEllipsis
	c.closeBt = widget.NewButtonWithIcon("Leave", theme.LogoutIcon(), c.onClose)
	c.closeBt.Importance = widget.LowImportance
	c.sideBt = newTipButton(u.tips, "", theme.MenuIcon(), "Show or hide sharing and partners (Ctrl+Shift+B)", u.toggleSide)
	c.sideBt.Importance = widget.LowImportance
	c.rec = newRecordButtons(c)
	header := container.NewBorder(nil, nil, container.NewHBox(c.title, c.rec.badge), container.NewHBox(c.rec.record, c.rec.pause, c.closeBt, c.sideBt), c.detail)
	c.empty = welcome(u)
	c.stack = container.NewStack(c.empty)
	c.top = container.NewVBox(header, widget.NewSeparator())
	c.box = container.NewBorder(c.top, nil, nil, nil,
		container.NewStack(c.stack, u.presence.layer))
	c.updateHeader() // no session yet: no session's buttons in the first frame
	return c
}

// show puts e's terminal in the centre and focuses it; nil shows the welcome.
func (c *centre) show(e *entry) {
	c.shown = e
	if e == nil {
		c.stack.Objects = []fyne.CanvasObject{c.empty}
	} else {
		c.stack.Objects = []fyne.CanvasObject{e.pane}
	}
	c.stack.Refresh()
	c.updateHeader()
	if e != nil && !e.ended {
		c.u.w.Canvas().Focus(e.term)
	}
}

// updateHeader shows the selected session's name, state and title.
func (c *centre) updateHeader() {
	e := c.shown
	if e == nil {
		c.title.SetText("Duet")
		c.detail.SetText("")
		c.closeBt.Hide()
		c.rec.update(nil)
		return
	}
	c.rec.update(e)
	c.title.SetText(e.name)
	c.detail.SetText(e.describe())
	c.closeBt.Show()
	if e.hosted() {
		c.closeBt.SetText("End session")
		c.closeBt.SetIcon(theme.MediaStopIcon())
	} else {
		c.closeBt.SetText("Leave")
		c.closeBt.SetIcon(theme.LogoutIcon())
	}
}

// describe says what the session runs and how it is doing, for the header.
func (e *entry) describe() string {
	s := e.badges() + e.command + " · " + e.state
	if e.hosted() {
		s += " · " + plural(e.partners, "partner", "partners")
	} else if e.rtt > 0 && !e.ended {
		s += " · round trip " + roundTrip(e.rtt)
	}
	if e.viewOnly && !e.ended {
		s += " · view only: the host has not let you type"
	}
	if e.viewOf != "" && !e.ended {
		s += " · part of " + e.viewOf + ": Ctrl+Shift+arrows pan, Ctrl+Shift+Home back"
	}
	return s
}

func (c *centre) onClose() {
	e := c.shown
	if e == nil {
		return
	}
	if !e.hosted() {
		c.u.removeEntry(e)
		return
	}
	c.u.confirmEnd(e)
}

// welcome is what the centre shows with no session: what Duet is and the two ways in.
func welcome(u *UI) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("No session open", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	text := widget.NewLabelWithStyle("Host a terminal for partners to join, or join someone else's.",
		fyne.TextAlignCenter, fyne.TextStyle{})
	host := widget.NewButtonWithIcon("Host a session", theme.ContentAddIcon(), u.list.onHost)
	host.Importance = widget.HighImportance
	join := widget.NewButtonWithIcon("Join a session", theme.LoginIcon(), u.list.onJoin)
	return container.NewCenter(container.NewVBox(title, text, container.NewHBox(layout.NewSpacer(), host, join, layout.NewSpacer())))
}
