package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/keys"
)

// partnersPanel lists the partners of the selected hosted session: name, fingerprint,
// role (switchable live), who limits the size, and Kick.
type partnersPanel struct {
	u     *UI
	box   *fyne.Container
	title *widget.Label
	size  *widget.Label
	body  *fyne.Container
	rows  []*partnerRow
	shown sessionState
	entry *entry
}

// partnerRow is one partner's card.
type partnerRow struct {
	p     partnerState
	name  *widget.Label
	fp    *widget.Label
	note  *widget.Label
	role  *widget.Check // checked: can type
	kick  *widget.Button
	box   *fyne.Container
	panel *partnersPanel
}

func newPartnersPanel(u *UI) *partnersPanel {
	p := &partnersPanel{u: u, body: container.NewVBox()}
	p.title = heading("Partners")
	p.size = caption("")
	p.box = container.NewVBox(container.NewPadded(p.title), p.size, p.body)
	return p
}

// show lists st's partners; a nil e means no hosted session is selected.
func (p *partnersPanel) show(e *entry, st sessionState) {
	if e == p.entry && samePartners(st, p.shown) && e != nil {
		return
	}
	p.entry, p.shown, p.rows = e, st, nil
	if e == nil {
		p.title.SetText("Partners")
		p.size.SetText("")
		p.size.Hide()
		p.body.Objects = []fyne.CanvasObject{caption("Partners are listed for the sessions you host.")}
		p.body.Refresh()
		return
	}
	p.title.SetText(fmt.Sprintf("Partners (%d)", len(st.partners)))
	p.size.SetText(sizeText(st))
	p.size.Show()
	var objs []fyne.CanvasObject
	if len(st.partners) == 0 {
		objs = append(objs, caption("Nobody has joined yet. Share a join line or the invite above."))
	}
	for _, ps := range st.partners {
		r := p.newRow(ps)
		p.rows = append(p.rows, r)
		objs = append(objs, r.box)
	}
	p.body.Objects = objs
	p.body.Refresh()
}

// sizeText says how large the session is and who sets that size.
func sizeText(st sessionState) string {
	if st.cols == 0 {
		return ""
	}
	var who []string
	if st.youLimit {
		who = append(who, "your window")
	}
	for _, ps := range st.partners {
		if ps.limits {
			who = append(who, ps.name)
		}
	}
	s := fmt.Sprintf("Terminal %d×%d", st.cols, st.rows)
	switch len(who) {
	case 0:
	case 1:
		s += ", size set by " + who[0]
	case 2:
		s += ", size set by " + who[0] + " and " + who[1]
	default:
		s += fmt.Sprintf(", size set by %s, %s and %d more", who[0], who[1], len(who)-2)
	}
	return s
}

func (p *partnersPanel) newRow(ps partnerState) *partnerRow {
	r := &partnerRow{p: ps, panel: p}
	r.name = widget.NewLabelWithStyle(ps.name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.fp = mono(ps.fingerprint)
	r.fp.SizeName = theme.SizeNameCaptionText
	r.note = caption("")
	if ps.limits {
		r.note.SetText("Limits the terminal size")
	} else {
		r.note.Hide()
	}
	r.role = widget.NewCheck("Can type", r.onRole)
	r.role.Checked = !ps.readOnly
	r.kick = widget.NewButtonWithIcon("Kick", theme.CancelIcon(), r.onKick)
	r.kick.Importance = widget.DangerImportance
	r.box = container.NewVBox(
		r.name, r.fp, r.note,
		container.NewBorder(nil, nil, r.role, r.kick),
		widget.NewSeparator(),
	)
	return r
}

// onRole switches the partner between typing and watching, live.
func (r *partnerRow) onRole(canType bool) {
	u := r.panel.u
	if u.hosting == nil {
		return
	}
	role := keys.RoleView
	if canType {
		role = keys.RoleType
	}
	if err := u.hosting.host.SetRole(r.p.fingerprint, role); err != nil {
		u.showError("Duet could not save the partner's role", err)
	}
	u.log.Info("partner role changed", "fp", r.p.fingerprint, "role", role.String())
	u.refreshSoon()
}

// onKick disconnects the partner's connections.
func (r *partnerRow) onKick() {
	u := r.panel.u
	if u.hosting == nil {
		return
	}
	u.hosting.host.Kick(r.p.fingerprint, "[duet: the host disconnected you]")
	u.refreshSoon()
}

func samePartners(a, b sessionState) bool {
	if a.name != b.name || a.cols != b.cols || a.rows != b.rows || a.youLimit != b.youLimit || len(a.partners) != len(b.partners) {
		return false
	}
	for i := range a.partners {
		if a.partners[i] != b.partners[i] {
			return false
		}
	}
	return true
}
