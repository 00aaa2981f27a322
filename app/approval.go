package app

import (
	"context"
	"fmt"
	"net"
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
	countdown *widget.Label
	more      *widget.Label
	role      *widget.RadioGroup
	deny      *widget.Button
	once      *widget.Button
	always    *widget.Button
	ticking   chan struct{} // closed to stop the countdown ticker
}

const (
	roleTypeText = "Can type"
	roleViewText = "View only"
)

func newApprovals(u *UI) *approvals {
	a := &approvals{u: u}
	a.fp = mono("")
	a.keyType = widget.NewLabel("")
	a.remote = widget.NewLabel("")
	a.session = widget.NewLabel("")
	a.countdown = widget.NewLabel("")
	a.countdown.Importance = widget.WarningImportance
	a.more = caption("")
	a.role = widget.NewRadioGroup([]string{roleTypeText, roleViewText}, nil)
	a.role.Horizontal = true
	a.role.Required = true
	a.deny = widget.NewButtonWithIcon("Deny", theme.CancelIcon(), func() { a.answer(host.Deny) })
	a.once = widget.NewButton("Allow once", func() { a.answer(host.AllowOnce) })
	a.always = widget.NewButtonWithIcon("Always allow", theme.ConfirmIcon(), func() { a.answer(host.AllowAlways) })
	a.always.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem("Key", a.fp),
		widget.NewFormItem("Type", a.keyType),
		widget.NewFormItem("From", a.remote),
		widget.NewFormItem("Session", a.session),
		widget.NewFormItem("Role", a.role),
	)
	intro := widget.NewLabel("A partner whose key you have not approved wants to join.")
	intro.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(intro, form, container.NewHBox(a.countdown, layout.NewSpacer(), a.more))
	a.dlg = dialog.NewCustomWithoutButtons("Let this partner in?", fixedWidth(560, content), u.w)
	a.dlg.SetButtons([]fyne.CanvasObject{a.deny, a.once, a.always})
	a.dlg.SetIcon(theme.QuestionIcon())
	return a
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
		a.u.a.SendNotification(fyne.NewNotification("Duet: a partner wants to join",
			fmt.Sprintf("Key %s from %s asks for session %s.", r.req.Fingerprint, sourceOf(r.req), sessionOf(r.req))))
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

// answer answers the request on screen with the role chosen.
func (a *approvals) answer(ans host.Answer) {
	if len(a.queue) == 0 {
		return
	}
	r := a.queue[0]
	role := keys.RoleType
	if a.role.Selected == roleViewText {
		role = keys.RoleView
	}
	if !r.answered {
		r.answered = true
		r.answer <- host.Decision{Answer: ans, Role: role}
		a.u.log.Info("partner key answered", "fp", r.req.Fingerprint, "answer", ans.String(), "role", role.String())
	}
	a.remove(r)
	a.u.refreshSoon()
}

// showFirst shows the first request, or hides the dialog when none is left.
func (a *approvals) showFirst() {
	if len(a.queue) == 0 {
		a.stopTicking()
		a.dlg.Hide()
		return
	}
	r := a.queue[0]
	a.fp.SetText(r.req.Fingerprint)
	a.keyType.SetText(r.req.Key.Type())
	a.remote.SetText(sourceOf(r.req))
	a.session.SetText(sessionOf(r.req))
	a.role.SetSelected(roleTypeText)
	a.updateCountdown()
	a.updateMore()
	a.dlg.Show()
	a.startTicking()
}

func (a *approvals) updateMore() {
	if n := len(a.queue) - 1; n > 0 {
		a.more.SetText(plural(n, "more partner waiting", "more partners waiting"))
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

// sessionOf says what the partner asks for: a session (its name escaped: it may be the
// partner's user name), or the listing only.
func sessionOf(r host.ApprovalRequest) string {
	if r.Session == "" {
		return "(only the list of sessions)"
	}
	return safetext.Line(r.Session, safetext.MaxName)
}
