package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// noticeFor is how long a join or leave notice stays in the window.
const noticeFor = 6 * time.Second

// presence tells the host who comes and goes: a notice over the centre of the window
// (and a desktop notification when the window is not focused) for every partner who
// joins or leaves a hosted session, pre-approved keys included; and the window title
// says how many watch the selected session.
type presence struct {
	u      *UI
	layer  *fyne.Container // over the centre: the notice card at its top right
	text   *widget.Label
	lines  []string // the notices shown now, oldest first
	shown  int      // counts notices, so that a stale timer does not hide a newer one
	primed bool     // a first snapshot was seen: partners already there are not news
}

func newPresence(u *UI) *presence {
	p := &presence{u: u}
	p.text = widget.NewLabel("")
	p.text.Wrapping = fyne.TextWrapWord
	card := container.NewStack(canvasBackdrop(), container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), nil, p.text))
	p.layer = container.New(belowStrip{p}, container.NewBorder(container.NewHBox(layout.NewSpacer(), fixedWidth(300, card)), nil, nil, nil))
	p.layer.Hide()
	return p
}

// belowStrip lays the notice out over the centre below the shown session's pairing
// strip, whose buttons (Chat, Call link, Point) it would otherwise cover.
type belowStrip struct{ p *presence }

func (belowStrip) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (l belowStrip) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top := l.p.stripHeight()
	for _, o := range objs {
		o.Move(fyne.NewPos(0, top))
		o.Resize(fyne.NewSize(size.Width, max(size.Height-top, 0)))
	}
}

// stripHeight is how much of the centre's top the shown session's pairing strip takes
// (nothing when it is hidden or no session is shown).
func (p *presence) stripHeight() float32 {
	c := p.u.centre
	if c == nil || c.shown == nil || c.shown.pair == nil || !c.shown.pair.box.Visible() {
		return 0
	}
	b := c.shown.pair.box
	h := b.Size().Height
	if h == 0 {
		h = b.MinSize().Height
	}
	return h + theme.Padding()
}

// partnerKey tells one partner's attachment from another's.
func partnerKey(session string, ps partnerState) string {
	return session + "\x00" + ps.fingerprint + "\x00" + ps.remote
}

// update compares two snapshots of the hosted sessions and tells who joined and left.
func (p *presence) update(old, cur hostSnapshot) {
	if !p.primed {
		p.primed = true
		return
	}
	was := map[string]partnerState{}
	for _, st := range old.sessions {
		for _, ps := range st.partners {
			was[partnerKey(st.name, ps)] = ps
		}
	}
	var news []string
	for _, st := range cur.sessions {
		for _, ps := range st.partners {
			k := partnerKey(st.name, ps)
			if _, ok := was[k]; ok {
				delete(was, k)
				continue
			}
			role := "can type"
			if ps.readOnly {
				role = "view only"
			}
			news = append(news, fmt.Sprintf("%s joined %s (%s)", ps.name, st.name, role))
		}
	}
	for k, ps := range was {
		session, _, _ := strings.Cut(k, "\x00")
		news = append(news, fmt.Sprintf("%s left %s", ps.name, session))
	}
	for _, n := range news {
		p.notify(n)
	}
}

// notify shows one notice for noticeFor, and sends it to the desktop when the window
// is not focused.
func (p *presence) notify(text string) {
	u := p.u
	u.log.Info("presence", "notice", text)
	if !u.focused {
		u.a.SendNotification(fyne.NewNotification("Duet", text+"."))
	}
	p.lines = append(p.lines, text)
	if len(p.lines) > 3 {
		p.lines = p.lines[len(p.lines)-3:]
	}
	p.text.SetText(strings.Join(p.lines, "\n"))
	p.layer.Show()
	p.layer.Refresh() // below the strip as it is now
	p.shown++
	shown := p.shown
	u.after(noticeFor, func() {
		if p.shown == shown {
			p.lines = nil
			p.layer.Hide()
		}
	})
}

// windowTitle is the window's title for the selected entry: the session and how many
// watch it ("main · 2 watching — Duet").
func windowTitle(e *entry) string {
	switch {
	case e == nil:
		return "Duet"
	case e.hosted() && e.partners > 0:
		return fmt.Sprintf("%s · %d watching — Duet", e.name, e.partners)
	}
	return e.name + " — Duet"
}
