package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/sessions"
)

// sharePanel tells partners how to join the selected hosted session: the ssh lines, the
// invite (for Duet; it pins the host key) and the host key fingerprint, each with Copy.
type sharePanel struct {
	u       *UI
	box     *fyne.Container
	body    *fyne.Container
	lines   []*copyRow // ssh lines, then invites, then the fingerprint
	info    sessions.ShareInfo
	session string
}

func newSharePanel(u *UI) *sharePanel {
	p := &sharePanel{u: u, body: container.NewVBox()}
	p.box = container.NewVBox(container.NewPadded(heading("Share")), p.body)
	return p
}

// show describes session of h; a nil h says there is nothing to share.
func (p *sharePanel) show(h *hosting, session string) {
	if h == nil {
		p.info, p.session, p.lines = sessions.ShareInfo{}, "", nil
		p.body.Objects = []fyne.CanvasObject{caption("Select a session you host to invite partners.")}
		p.body.Refresh()
		return
	}
	info := sessions.Share(h.addr, session, h.hostKey.Fingerprint())
	if session == p.session && sameShare(info, p.info) {
		return
	}
	p.info, p.session, p.lines = info, session, nil
	objs := []fyne.CanvasObject{caption("Partners join with ssh:")}
	for _, l := range info.SSHLines {
		r := newCopyRow(p.u, l)
		p.lines = append(p.lines, r)
		objs = append(objs, r.box)
	}
	objs = append(objs, caption("or paste an invite into their Duet:"))
	for _, l := range info.Invites {
		r := newCopyRow(p.u, l)
		p.lines = append(p.lines, r)
		objs = append(objs, r.box)
	}
	objs = append(objs, caption("Host key fingerprint (for partners to check):"))
	r := newCopyRow(p.u, info.Fingerprint)
	p.lines = append(p.lines, r)
	objs = append(objs, r.box)
	p.body.Objects = objs
	p.body.Refresh()
}

func sameShare(a, b sessions.ShareInfo) bool {
	if a.Listen != b.Listen || a.Fingerprint != b.Fingerprint || len(a.SSHLines) != len(b.SSHLines) {
		return false
	}
	for i := range a.SSHLines {
		if a.SSHLines[i] != b.SSHLines[i] || a.Invites[i] != b.Invites[i] {
			return false
		}
	}
	return true
}

// row returns the copy row whose text is text, for tests.
func (p *sharePanel) row(text string) *copyRow {
	for _, r := range p.lines {
		if r.text == text {
			return r
		}
	}
	return nil
}

var _ = widget.NewLabel
