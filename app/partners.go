package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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

	// Rows keep their place: partners are listed in the order they came, and one who
	// left keeps a greyed row for a moment, so that no button moves under the mouse.
	seen  map[string]int          // partnerKey: when first listed
	next  int                     // the next sequence number
	ghost map[string]ghostPartner // partnerKey: who left lately
	kick  *dialog.ConfirmDialog   // the last Kick question, for tests
}

// ghostPartner is a partner who left, listed greyed until until.
type ghostPartner struct {
	p     partnerState
	until time.Time
}

// partnerRow is one partner's card.
type partnerRow struct {
	p     partnerState
	name  *widget.Label
	fp    *widget.Label
	note  *widget.Label
	role  *widget.Check // checked: can type
	kick  *tipButton
	box   *fyne.Container
	panel *partnersPanel
}

func newPartnersPanel(u *UI) *partnersPanel {
	p := &partnersPanel{u: u, body: container.NewVBox(), seen: map[string]int{}, ghost: map[string]ghostPartner{}}
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
	prev := p.shown
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
	items := p.order(prev, st)
	if len(items) == 0 {
		objs = append(objs, caption("Nobody has joined yet. Share a join line or the invite above."))
	}
	for _, it := range items {
		if it.gone {
			objs = append(objs, ghostRow(it.p))
			continue
		}
		r := p.newRow(it.p)
		p.rows = append(p.rows, r)
		objs = append(objs, r.box)
	}
	p.body.Objects = objs
	p.body.Refresh()
}

// listed is a partner row: one attached now, or one who left lately.
type listed struct {
	p    partnerState
	gone bool
}

// order lists st's partners in the order they came, with those who left lately (since
// prev was listed) in their old places. It remembers what it listed.
func (p *partnersPanel) order(prev, st sessionState) []listed {
	now := time.Now()
	here := map[string]bool{}
	var out []listed
	for _, ps := range st.partners {
		k := partnerKey(st.name, ps)
		here[k] = true
		if _, ok := p.seen[k]; !ok {
			p.seen[k] = p.next
			p.next++
		}
		delete(p.ghost, k)
		out = append(out, listed{p: ps})
	}
	for _, was := range prev.partners {
		k := partnerKey(prev.name, was)
		if !here[k] && prev.name == st.name {
			if _, ok := p.ghost[k]; !ok {
				p.ghost[k] = ghostPartner{p: was, until: now.Add(noticeFor)}
				p.expireLater(noticeFor)
			}
		}
	}
	for k, g := range p.ghost {
		if now.After(g.until) || !strings.HasPrefix(k, st.name+"\x00") {
			delete(p.ghost, k)
			delete(p.seen, k)
			continue
		}
		out = append(out, listed{p: g.p, gone: true})
	}
	slices.SortStableFunc(out, func(a, b listed) int {
		return p.seen[partnerKey(st.name, a.p)] - p.seen[partnerKey(st.name, b.p)]
	})
	return out
}

// expireLater lists the partners again after d, when a ghost row is due to go.
func (p *partnersPanel) expireLater(d time.Duration) {
	p.u.after(d+50*time.Millisecond, func() {
		st := p.shown
		p.shown = sessionState{name: st.name} // not the same: rebuild
		p.show(p.entry, st)
	})
}

// ghostRow is the greyed row of a partner who left.
func ghostRow(ps partnerState) fyne.CanvasObject {
	name := widget.NewLabelWithStyle(ps.name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	name.Importance = widget.LowImportance
	left := caption("Left the session")
	left.Importance = widget.LowImportance
	return container.NewVBox(name, left, widget.NewSeparator())
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
	r.note = caption(partnerNote(ps))
	if r.note.Text == "" {
		r.note.Hide()
	}
	r.role = widget.NewCheck("Can type", r.onRole)
	r.role.Checked = !ps.readOnly
	r.kick = newTipButton(p.u.tips, "Kick", theme.CancelIcon(), "Disconnect "+ps.name+" (asks first)", r.onKick)
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

// onKick asks, then disconnects the partner's connections.
func (r *partnerRow) onKick() {
	u := r.panel.u
	if u.hosting == nil {
		return
	}
	fp, name := r.p.fingerprint, r.p.name
	d := dialog.NewConfirm("Disconnect "+name+"?",
		name+" is disconnected from the session now, and can join again like anyone: with an approved key at once, otherwise by asking you.",
		func(ok bool) {
			if !ok || u.hosting == nil {
				return
			}
			u.hosting.host.Kick(fp, "[duet: the host disconnected you]")
			u.log.Info("partner kicked", "fp", fp)
			u.refreshSoon()
		}, u.w)
	d.SetConfirmText("Kick")
	d.SetDismissText("Cancel")
	r.panel.kick = d
	d.Show()
}

// partnerNote says what else there is to know of a partner: its round trip, and whether it
// sets the terminal size.
func partnerNote(ps partnerState) string {
	var notes []string
	if ps.rtt > 0 {
		notes = append(notes, "Round trip "+roundTrip(ps.rtt))
	}
	if ps.limits {
		notes = append(notes, "Limits the terminal size")
	}
	if ps.seesPart {
		notes = append(notes, fmt.Sprintf("Sees the part around the cursor (their terminal is %d×%d)", ps.cols, ps.rows))
	}
	return strings.Join(notes, " · ")
}

// roundTrip says a round trip as people read it: "152 ms", "<1 ms".
func roundTrip(d time.Duration) string {
	if d < time.Millisecond {
		return "<1 ms"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
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
