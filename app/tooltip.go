package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// tipDelay is how long the pointer rests on a button before its tooltip shows.
const tipDelay = 600 * time.Millisecond

// tips shows the window's one tooltip in a layer above its content. The layer holds no
// widget, so it never takes a click meant for what is under it.
type tips struct {
	u     *UI
	layer *fyne.Container // no layout: the card is placed by show
	card  *fyne.Container
	text  *widget.Label
	owner *tipButton // whose tip is shown or due
}

func newTips(u *UI) *tips {
	tp := &tips{u: u, text: widget.NewLabel("")}
	tp.card = container.NewStack(opaque(), container.NewPadded(tp.text))
	tp.card.Hide()
	tp.layer = container.NewWithoutLayout(tp.card)
	return tp
}

// show puts b's tip under b, inside the window.
func (tp *tips) show(b *tipButton) {
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil || !b.Visible() {
		return
	}
	tp.text.SetText(b.tip)
	size := tp.card.MinSize()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	pos.Y += b.Size().Height + 2
	win := c.Size()
	pos.X = max(min(pos.X, win.Width-size.Width-4), 0)
	if pos.Y+size.Height > win.Height {
		pos.Y = max(pos.Y-b.Size().Height-size.Height-4, 0)
	}
	tp.card.Move(pos)
	tp.card.Resize(size)
	tp.card.Show()
	tp.layer.Refresh()
}

func (tp *tips) hide(b *tipButton) {
	if tp.owner == b {
		tp.owner = nil
		tp.card.Hide()
	}
}

// tipButton is a button that says what it does when the pointer rests on it.
type tipButton struct {
	widget.Button
	tip  string
	tips *tips
}

func newTipButton(tp *tips, label string, icon fyne.Resource, tip string, tapped func()) *tipButton {
	b := &tipButton{tip: tip, tips: tp}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// MouseIn is part of desktop.Hoverable: the tip shows after tipDelay.
func (b *tipButton) MouseIn(ev *desktop.MouseEvent) {
	b.Button.MouseIn(ev)
	tp := b.tips
	tp.owner = b
	tp.u.after(tipDelay, func() {
		if tp.owner == b {
			tp.show(b)
		}
	})
}

// MouseOut is part of desktop.Hoverable.
func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	b.tips.hide(b)
}

// Tapped is part of fyne.Tappable: the tip goes, the button acts.
func (b *tipButton) Tapped(ev *fyne.PointEvent) {
	b.tips.hide(b)
	b.Button.Tapped(ev)
}
