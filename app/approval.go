package app

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/host"
)

// request is one partner waiting for the host's answer.
type request struct {
	req      host.ApprovalRequest
	deadline time.Time
	answer   chan host.Decision // buffered 1; the UI answers once
	answered bool               // UI goroutine only
}

// guardDelay is how long the dialog's buttons ignore clicks and keys after a request
// comes on screen, as browsers do for permission prompts: a double-click or a keystroke
// meant for the terminal never approves a stranger.
const guardDelay = 800 * time.Millisecond

// approvals asks the host about unknown keys, one dialog at a time: the others queue
// behind it. Each shows its countdown; no answer in time means deny (the host decides
// that; the dialog only goes away).
type approvals struct {
	u     *UI
	queue []*request // the first one is on screen

	dlg       *dialog.CustomDialog
	fp        *widget.Label
	keyType   *widget.Label
	remote    *widget.Label
	session   *widget.Label
	claimed   *widget.Label // the name a Duet partner gives, or that an OpenSSH one gives none
	name      *widget.Entry // the name the host gives the partner ("Always allow" saves it)
	countdown *widget.Label
	more      *widget.Label
	role      *widget.RadioGroup
	deny      *widget.Button
	once      *widget.Button // the default (Enter): the least permissive answer that lets in
	onceNote  *widget.Label  // how long Allow once lasts
	always    *widget.Button
	ticking   chan struct{} // closed to stop the countdown ticker
	armed     bool          // the guard delay has passed for the request on screen
	shownAt   int           // counts requests put on screen, so a stale arming is ignored
	delay     time.Duration // guardDelay; tests may shorten it
}

// allowOnceNote says how long "Allow once" lasts (host.AllowOnce).
const allowOnceNote = "Allow once lets this key into this session until the session ends or you kick " +
	"or revoke it: if its network drops, it comes back without asking you again. It is not saved."

const (
	roleTypeText = "Can type"
	roleViewText = "View only"
)

func newApprovals(u *UI) *approvals {
	a := &approvals{u: u, delay: guardDelay}
	a.fp = mono("")
	a.keyType = widget.NewLabel("")
	a.remote = widget.NewLabel("")
	a.session = widget.NewLabel("")
	a.session.Wrapping = fyne.TextWrapWord
	a.claimed = caption("")
	a.name = widget.NewEntry()
	a.name.SetPlaceHolder("Name this partner")
	a.name.OnChanged = func(string) { a.updateButtons() }
	a.name.OnSubmitted = func(string) { a.answer(host.AllowOnce) }
	a.countdown = widget.NewLabel("")
	a.countdown.Importance = widget.WarningImportance
	a.more = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	a.role = widget.NewRadioGroup([]string{roleTypeText, roleViewText}, nil)
	a.role.Horizontal = true
	a.role.Required = true
	a.deny = widget.NewButtonWithIcon("Deny", theme.CancelIcon(), func() { a.answer(host.Deny) })
	a.always = widget.NewButton("Always allow", func() { a.answer(host.AllowAlways) })
	a.once = widget.NewButtonWithIcon("Allow once", theme.ConfirmIcon(), func() { a.answer(host.AllowOnce) })
	a.once.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem("Name", container.NewVBox(a.name, a.claimed)),
		widget.NewFormItem("Key", a.fp),
		widget.NewFormItem("Type", a.keyType),
		widget.NewFormItem("From", a.remote),
		widget.NewFormItem("Session", a.session),
		widget.NewFormItem("Role", a.role),
	)
	intro := widget.NewLabel("A partner whose key you have not approved wants to join.")
	intro.Wrapping = fyne.TextWrapWord
	a.onceNote = caption(allowOnceNote)
	a.onceNote.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(intro, form, a.onceNote, container.NewHBox(a.countdown, layout.NewSpacer(), a.more))
	a.dlg = dialog.NewCustomWithoutButtons("Let this partner in?", fixedWidth(520, content), u.w)
	a.dlg.SetButtons([]fyne.CanvasObject{a.deny, a.always, a.once})
	a.dlg.SetIcon(theme.QuestionIcon())
	return a
}

// onKey answers from the keyboard while the dialog is on screen and nothing in it has
// the focus: Enter is the default (Allow once), Escape denies; both wait for the guard.
func (a *approvals) onKey(ev *fyne.KeyEvent) {
	if len(a.queue) == 0 {
		return
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		a.answer(host.AllowOnce)
	case fyne.KeyEscape:
		a.answer(host.Deny)
	default:
		a.guard() // still typing, meant for the terminal
	}
}

// onRune restarts the guard: the host is still typing, meant for the terminal, so the
// Enter that ends the line does not let a stranger in.
func (a *approvals) onRune(rune) {
	if len(a.queue) > 0 {
		a.guard()
	}
}

// ask is the host's host.ApproveFunc: it runs on a goroutine of the host, puts the
// request in the queue on the UI goroutine and waits for the answer or ctx.
func (a *approvals) ask(ctx context.Context, req host.ApprovalRequest) host.Decision {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(host.DefaultApproveTimeout)
	}
	r := &request{req: req, deadline: deadline, answer: make(chan host.Decision, 1)}
	fyne.Do(func() { a.add(r) })
	select {
	case d := <-r.answer:
		return d
	case <-ctx.Done():
		fyne.Do(func() { a.remove(r) })
		return host.Decision{Answer: host.Deny}
	}
}

// add queues r, and shows it if nothing else is on screen.
func (a *approvals) add(r *request) {
	if a.u.quitting {
		r.answer <- host.Decision{Answer: host.Deny}
		return
	}
	a.queue = append(a.queue, r)
	if len(a.queue) == 1 {
		a.showFirst()
	} else {
		a.updateMore()
	}
	if !a.u.focused {
		who := "A partner"
		if r.req.Name != "" {
			who = r.req.Name
		}
		a.u.a.SendNotification(fyne.NewNotification("Duet: a partner wants to join",
			fmt.Sprintf("%s (key %s, from %s) asks to join session %s.", who, r.req.Fingerprint, sourceOf(r.req), sessionOf(r.req))))
	}
}

// remove takes r off the queue (timed out, the partner left, or answered).
func (a *approvals) remove(r *request) {
	for i, q := range a.queue {
		if q != r {
			continue
		}
		a.queue = append(a.queue[:i], a.queue[i+1:]...)
		if i == 0 {
			a.showFirst()
		} else {
			a.updateMore()
		}
		return
	}
}

// answer answers the request on screen with the role chosen and the name given. It does
// nothing before the guard delay has passed, and "Always allow" needs a name.
func (a *approvals) answer(ans host.Answer) {
	if len(a.queue) == 0 || !a.armed {
		return
	}
	name := strings.TrimSpace(a.name.Text)
	if ans == host.AllowAlways && name == "" {
		a.u.w.Canvas().Focus(a.name)
		return
	}
	r := a.queue[0]
	role := keys.RoleType
	if a.role.Selected == roleViewText {
		role = keys.RoleView
	}
	if ans != host.Deny && a.u.settings.ApproveRole != role.String() {
		a.u.settings.ApproveRole = role.String() // the next dialog starts with it
		if err := a.u.settings.save(a.u.cfg.Store); err != nil {
			a.u.log.Warn("save settings", "err", err)
		}
	}
	if !r.answered {
		r.answered = true
		r.answer <- host.Decision{Answer: ans, Role: role, Name: name}
		a.u.log.Info("partner key answered", "fp", r.req.Fingerprint, "answer", ans.String(), "role", role.String())
	}
	a.remove(r)
	a.u.refreshSoon()
}

// showFirst shows the first request, or hides the dialog when none is left. Its buttons
// wait for the guard delay before they take clicks and keys.
func (a *approvals) showFirst() {
	c := a.u.w.Canvas()
	if len(a.queue) == 0 {
		a.stopTicking()
		a.dlg.Hide()
		c.SetOnTypedKey(nil)
		c.SetOnTypedRune(nil)
		if e := a.u.selected; e != nil && !e.ended {
			c.Focus(e.term) // back to typing
		}
		return
	}
	r := a.queue[0]
	a.fp.SetText(r.req.Fingerprint)
	a.keyType.SetText(r.req.Key.Type())
	a.remote.SetText(sourceOf(r.req))
	a.session.SetText(sessionOf(r.req))
	a.name.SetText(r.req.Name)
	if r.req.Name != "" {
		a.claimed.SetText("The name their Duet gives (not checked: compare the key). Edit it to call them otherwise.")
	} else {
		a.claimed.SetText("They join with OpenSSH, which sends no name: type one to always allow them.")
	}
	role := roleTypeText
	if a.u.settings.ApproveRole == keys.RoleView.String() {
		role = roleViewText
	}
	a.role.SetSelected(role)
	a.updateCountdown()
	a.updateMore()
	a.dlg.Show()
	c.Unfocus() // a keystroke meant for the terminal does not land in the dialog
	c.SetOnTypedKey(a.onKey)
	c.SetOnTypedRune(a.onRune)
	a.guard()
	a.startTicking()
}

// guard makes the buttons ignore clicks and keys for the guard delay (from now: typing
// while the dialog is on screen restarts it).
func (a *approvals) guard() {
	a.shownAt++
	a.armed = false
	a.updateButtons()
	shown := a.shownAt
	a.u.after(a.delay, func() {
		if a.shownAt == shown {
			a.armed = true
			a.updateButtons()
		}
	})
}

// updateButtons enables the buttons once armed; "Always allow" also needs a name.
func (a *approvals) updateButtons() {
	for _, b := range []*widget.Button{a.deny, a.once, a.always} {
		if a.armed {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if strings.TrimSpace(a.name.Text) == "" {
		a.always.Disable()
	}
}

func (a *approvals) updateMore() {
	if n := len(a.queue) - 1; n > 0 {
		a.more.SetText(plural(n, "more waiting", "more waiting"))
		a.more.Show()
	} else {
		a.more.Hide()
	}
}

// updateCountdown shows how long the partner on screen still waits.
func (a *approvals) updateCountdown() {
	if len(a.queue) == 0 {
		return
	}
	left := max(time.Until(a.queue[0].deadline).Round(time.Second), 0)
	a.countdown.SetText(fmt.Sprintf("Denied automatically in %d s", int(left.Seconds())))
}

// startTicking updates the countdown every second while a request is on screen.
func (a *approvals) startTicking() {
	if a.ticking != nil {
		return
	}
	stop := make(chan struct{})
	a.ticking = stop
	u := a.u
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-u.stop:
				return
			case <-t.C:
				fyne.Do(a.updateCountdown)
			}
		}
	}()
}

func (a *approvals) stopTicking() {
	if a.ticking != nil {
		close(a.ticking)
		a.ticking = nil
	}
}

func sourceOf(r host.ApprovalRequest) string {
	if r.Remote == nil {
		return "an unknown address"
	}
	if host, _, err := net.SplitHostPort(r.Remote.String()); err == nil {
		return host
	}
	return r.Remote.String()
}

// sessionOf says what the partner asks for: a session, the list of sessions, or a
// session that does not exist (the partner would get the default one, which the host
// resolved). The names are escaped: the asked one is the partner's user name.
func sessionOf(r host.ApprovalRequest) string {
	switch {
	case r.Session == "":
		return "the list of sessions"
	case r.Asked == "" || r.Asked == r.Session:
		return safetext.Line(r.Session, safetext.MaxName)
	}
	return fmt.Sprintf("asks for session %s, which does not exist; would join %s",
		safetext.Line(r.Asked, safetext.MaxName), safetext.Line(r.Session, safetext.MaxName))
}
