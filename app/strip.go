package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/sessions/wire"
)

// pairView is one session's pairing in the window: the participants strip over its
// terminal, the call row, the chat panel under it, and the marks of points over it.
// Only the UI goroutine touches it.
type pairView struct {
	e   *entry
	act pairActions

	box       *fyne.Container // the strip and the call row, over the terminal
	row       *fyne.Container // a chip per participant; wraps when narrow
	chips     []*personChip
	driving   *widget.Label   // who drives, and what it means for you
	oneDriver *widget.Check   // hosted: one driver at a time
	ask       *widget.Button  // "Ask to drive"
	take      *widget.Button  // hosted: "Take back"
	pointBt   *widget.Button  // "Point here": the next click on the terminal points
	chatBt    *widget.Button  // shows or hides the chat, with the unread count
	callRow   *fyne.Container // the call link in full and "Open call"
	callLink  *widget.Label
	openCall  *widget.Button
	setCallBt *widget.Button // "Call link…": set or change it
	callDlg   *callDialog    // the dialog open now, for tests

	chat *chatPanel
	mark *pointMarks

	pr        wire.Presence
	lastChat  uint64
	lastPoint uint64
	primed    bool // a hosted session's first pairing was seen
}

// personChip is one participant on the strip: who, what they do, and "Give control"
// for the host or the driver.
type personChip struct {
	id    string
	label *widget.Label
	give  *widget.Button
	box   *fyne.Container
}

func newPairView(e *entry) *pairView {
	v := &pairView{e: e}
	v.row = container.New(&oneRowFirst{wrap: layout.NewRowWrapLayout()})
	v.driving = caption("")
	v.driving.Hide()
	v.oneDriver = widget.NewCheck("One driver", func(on bool) { v.act.setOneDriver(on) })
	v.oneDriver.Hide()
	v.ask = widget.NewButtonWithIcon("Ask to drive", theme.AccountIcon(), func() { v.act.drive(wire.DriveAsk, "") })
	v.ask.Hide()
	v.take = widget.NewButtonWithIcon("Take back", theme.MediaReplayIcon(), func() { v.act.drive(wire.DriveTake, "") })
	v.take.Hide()
	v.pointBt = widget.NewButtonWithIcon("Point", theme.VisibilityIcon(), func() { v.mark.arm() })
	v.pointBt.Importance = widget.LowImportance
	v.chat = newChatPanel(v)
	v.chatBt = widget.NewButtonWithIcon("Chat", theme.MailComposeIcon(), v.chat.toggle)
	v.chatBt.Importance = widget.LowImportance
	v.setCallBt = widget.NewButtonWithIcon("Call link…", theme.MediaVideoIcon(), v.showCallDialog)
	v.setCallBt.Importance = widget.LowImportance
	v.callLink = widget.NewLabel("")
	v.callLink.Wrapping = fyne.TextWrapBreak // shown in full, never cut
	v.openCall = widget.NewButtonWithIcon("Open call", theme.MediaVideoIcon(), func() { e.u.openCall(v.pr.Call) })
	v.openCall.Importance = widget.HighImportance
	v.callRow = container.NewBorder(nil, nil, widget.NewLabel("Call:"), v.openCall, v.callLink)
	v.callRow.Hide()
	v.mark = newPointMarks(v)
	// The buttons stay where they are, however the chips change as people type.
	buttons := container.NewHBox(v.oneDriver, v.ask, v.take, v.pointBt, v.setCallBt, v.chatBt)
	v.box = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewVBox(buttons), v.row), v.driving, v.callRow)
	v.box.Hide() // until someone is there to show
	return v
}

// me returns the window's participant, as the presence says.
func (v *pairView) me() (wire.Person, bool) {
	for _, p := range v.pr.People {
		if p.ID == v.pr.You {
			return p, true
		}
	}
	return wire.Person{}, false
}

// driver returns the participant who drives, with one driver at a time on.
func (v *pairView) driver() (wire.Person, bool) {
	for _, p := range v.pr.People {
		if p.Driving && v.pr.OneDriver {
			return p, true
		}
	}
	return wire.Person{}, false
}

// setPresence shows who is here and what the window may do about control and the call.
func (v *pairView) setPresence(pr wire.Presence) {
	v.pr = pr
	me, _ := v.me()
	d, driven := v.driver()
	amHost := me.Role == wire.RoleHost
	iDrive := driven && d.ID == me.ID
	canType := me.Role != wire.RoleView
	v.box.Show()

	v.chips = v.chips[:0]
	var objs []fyne.CanvasObject
	for _, p := range pr.People {
		c := &personChip{id: p.ID, label: widget.NewLabel(personLabel(p, pr))}
		c.label.Importance = widget.MediumImportance
		if p.Driving && pr.OneDriver {
			c.label.Importance = widget.HighImportance
		}
		c.box = container.NewHBox(widget.NewIcon(theme.AccountIcon()), c.label)
		if pr.OneDriver && (amHost || iDrive) && !p.Driving && p.ID != me.ID && p.Role != wire.RoleView && !p.Chat {
			id := p.ID
			c.give = widget.NewButton("Give control", func() { v.act.drive(wire.DriveGive, id) })
			c.give.Importance = widget.LowImportance
			if p.Asking {
				c.give.Importance = widget.HighImportance
			}
			c.box.Add(c.give)
		}
		v.chips = append(v.chips, c)
		objs = append(objs, c.box)
	}
	v.row.Objects = objs

	if v.e.hosted() {
		v.oneDriver.Show()
		v.oneDriver.Checked = pr.OneDriver
		v.oneDriver.Refresh()
	}
	showIf(v.ask, pr.OneDriver && !iDrive && !amHost && canType && !me.Asking)
	showIf(v.take, pr.OneDriver && amHost && !iDrive)
	showIf(v.setCallBt, canType)
	v.driving.SetText(drivingText(pr, me, d, driven))
	showIf(v.driving, v.driving.Text != "")
	v.callLink.SetText(pr.Call)
	showIf(v.callRow, pr.Call != "")
	v.row.Refresh()
	v.box.Refresh()
}

// oneRowFirst is a row-wrap layout that counts one row until it was laid out: Fyne's
// counts a row per object until then, which would give a session's terminal, laid out
// while the strip was hidden or not yet laid out, rows fewer than it has.
type oneRowFirst struct {
	wrap fyne.Layout
	laid bool
}

func (l *oneRowFirst) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.laid = true
	l.wrap.Layout(objs, size)
}

func (l *oneRowFirst) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if l.laid {
		return l.wrap.MinSize(objs)
	}
	var w, h float32
	for _, o := range objs {
		if o.Visible() {
			w, h = max(w, o.MinSize().Width), max(h, o.MinSize().Height)
		}
	}
	return fyne.NewSize(w, h)
}

// showIf shows o if on, else hides it.
func showIf(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// personLabel is one participant on the strip: "Alice (you) · typing",
// "Bob (host) · drives", "Carol (view)", "Dan · asks to drive".
func personLabel(p wire.Person, pr wire.Presence) string {
	s := p.Name
	switch {
	case p.ID == pr.You:
		s += " (you)"
	case p.Role == wire.RoleHost:
		s += " (host)"
	case p.Role == wire.RoleView:
		s += " (view)"
	}
	if now := p.Now(pr.OneDriver); now != "" {
		s += " · " + now
	}
	return s
}

// drivingText says, with one driver at a time on, who drives and what that means for
// the window's keys.
func drivingText(pr wire.Presence, me, d wire.Person, driven bool) string {
	switch {
	case !pr.OneDriver:
		return ""
	case !driven:
		return "One driver at a time: nobody drives."
	case d.ID == me.ID:
		return "One driver at a time: you drive; the others' keys do not reach the program."
	case me.Role == wire.RoleView:
		return fmt.Sprintf("One driver at a time: %s drives.", d.Name)
	case me.Asking && d.Role == wire.RoleHost:
		return fmt.Sprintf("%s (the host) drives. You asked for control; they hand it over.", d.Name)
	case me.Asking:
		return fmt.Sprintf("%s drives. You asked for control; %s or the host hands it over.", d.Name, d.Name)
	case me.Role == wire.RoleHost:
		return fmt.Sprintf("%s drives: your keys do not reach the program until you take control back.", d.Name)
	}
	return fmt.Sprintf("%s drives: your keys do not reach the program. Ask to drive to get control.", d.Name)
}

// callDialog sets the session's call link.
type callDialog struct {
	dlg   *dialog.CustomDialog
	link  *widget.Entry
	set   *widget.Button
	clear *widget.Button
	why   *widget.Label
}

// showCallDialog asks for the call link (any web address: Jitsi, Meet, Zoom…).
func (v *pairView) showCallDialog() {
	d := &callDialog{link: widget.NewEntry(), why: caption("")}
	d.link.SetPlaceHolder("https://meet.jit.si/…")
	d.link.SetText(v.pr.Call)
	d.why.Hide()
	submit := func() {
		link := strings.TrimSpace(d.link.Text)
		if err := wire.CheckCall(link); err != nil {
			d.why.SetText(pairError(err))
			d.why.Importance = widget.DangerImportance
			d.why.Show()
			return
		}
		v.act.setCall(link)
		d.dlg.Hide()
	}
	d.link.OnSubmitted = func(string) { submit() }
	d.set = widget.NewButtonWithIcon("Set", theme.ConfirmIcon(), submit)
	d.set.Importance = widget.HighImportance
	d.clear = widget.NewButton("Remove", func() { v.act.setCall(""); d.dlg.Hide() })
	cancel := widget.NewButton("Cancel", func() { d.dlg.Hide() })
	help := caption("Everyone in the session sees the link; Duet windows get an Open call button, terminals see it once. Nothing opens without a click.")
	d.dlg = dialog.NewCustomWithoutButtons("Call link", fixedWidth(480, container.NewVBox(d.link, d.why, help)), v.e.u.w)
	d.dlg.SetButtons([]fyne.CanvasObject{cancel, d.clear, d.set})
	v.callDlg = d
	d.dlg.Show()
	v.e.u.w.Canvas().Focus(d.link)
}

// failed shows why what the window asked for was refused, in the chat panel; nil is
// success.
func (v *pairView) failed(err error) {
	if err == nil {
		return
	}
	v.e.u.log.Info("pairing refused", "err", err)
	v.chat.note(pairError(err))
}
