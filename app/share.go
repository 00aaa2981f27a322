package app

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/sessions/join"
)

// sharePanel tells partners how to join the selected hosted session: the ssh lines, the
// invite (for Duet; it pins the host key) and the host key fingerprint, each with Copy.
type sharePanel struct {
	u       *UI
	box     *fyne.Container
	body    *fyne.Container
	lines   []*copyRow // ssh lines, then invites, then the fingerprint
	info    join.ShareInfo
	session string
	history *widget.Label // how much scrollback partners get (Settings)

	// The relay: its setting (an entry and On/Off), its state and, while it listens,
	// the lines that join the selected session through it.
	relayBox    *fyne.Container
	relayEntry  *widget.Entry
	relayButton *widget.Button
	relayState  *widget.Label
	relayLines  []*copyRow // the ssh line, then the invite
	relayShown  string     // what relayBox shows, to rebuild it only when that changes
}

func newSharePanel(u *UI) *sharePanel {
	p := &sharePanel{u: u, body: container.NewVBox(), relayBox: container.NewVBox(), history: caption("")}
	p.history.Wrapping = fyne.TextWrapWord
	p.relayEntry = widget.NewEntry()
	p.relayEntry.SetPlaceHolder("you@server.example.com[:port]")
	p.relayEntry.SetText(u.settings.Relay)
	p.relayEntry.OnSubmitted = func(string) { p.toggleRelay() }
	p.relayButton = widget.NewButton("On", p.toggleRelay)
	p.relayState = caption("")
	p.box = container.NewVBox(container.NewPadded(heading("Share")), p.body, widget.NewSeparator(), p.relayBox)
	p.showRelay()
	return p
}

// relayOn says whether the relay setting is on: a relay runs, or one is set and starts
// with the first hosted session.
func (p *sharePanel) relayOn() bool {
	u := p.u
	return u.relay != nil || (u.settings.Relay != "" && u.hosting == nil)
}

// toggleRelay turns the relay on (with the entry's server) or off.
func (p *sharePanel) toggleRelay() {
	if p.relayOn() {
		p.u.setRelay("")
		return
	}
	if strings.TrimSpace(p.relayEntry.Text) == "" {
		p.u.showError("", errors.New("type the SSH server to relay through, such as you@server.example.com"))
		return
	}
	p.u.setRelay(p.relayEntry.Text)
}

// showRelay shows the relay's setting and state, and its join lines for the selected
// session while it listens.
func (p *sharePanel) showRelay() {
	u := p.u
	on := p.relayOn()
	state, ssh, invite := "", "", ""
	switch {
	case u.relay != nil:
		st := u.relay.status
		state = relayLine(st)
		if p.session != "" && u.hosting != nil {
			ssh = st.SSHCommand(p.session)
			invite = st.Invite(p.session, u.hosting.hostKey.Fingerprint())
		}
	case on:
		state = "The relay starts when you host a session."
	}
	shown := fmt.Sprintf("%t\n%s\n%s\n%s", on, state, ssh, invite)
	if shown == p.relayShown {
		return
	}
	p.relayShown = shown
	if on {
		p.relayButton.SetText("Off")
		p.relayEntry.Disable()
	} else {
		p.relayButton.SetText("On")
		p.relayEntry.Enable()
	}
	p.relayState.SetText(state)
	p.relayLines = nil
	objs := []fyne.CanvasObject{
		caption("Reach from anywhere: relay through your SSH server"),
		container.NewBorder(nil, nil, nil, p.relayButton, p.relayEntry),
	}
	if state != "" {
		objs = append(objs, p.relayState)
	}
	if ssh != "" {
		objs = append(objs, caption("Through the relay, partners join with ssh:"))
		r := newCopyRow(u, ssh)
		p.relayLines = append(p.relayLines, r)
		objs = append(objs, r.box)
	}
	if invite != "" {
		objs = append(objs, caption("or the invite:"))
		r := newCopyRow(u, invite)
		p.relayLines = append(p.relayLines, r)
		objs = append(objs, r.box)
	}
	p.relayBox.Objects = objs
	p.relayBox.Refresh()
}

// show describes session of h; a nil h says there is nothing to share.
func (p *sharePanel) show(h *hosting, session string) {
	if h == nil {
		p.info, p.session, p.lines = join.ShareInfo{}, "", nil
		p.body.Objects = []fyne.CanvasObject{caption("Select a session you host to invite partners.")}
		p.body.Refresh()
		p.showRelay()
		return
	}
	p.history.SetText(historyText(h.host.HistoryShown()) + " (Settings)")
	info := join.Share(h.addr, session, h.hostKey.Fingerprint())
	if session == p.session && sameShare(info, p.info) {
		p.showRelay()
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
	objs = append(objs, r.box, p.history)
	p.body.Objects = objs
	p.body.Refresh()
	p.showRelay()
}

func sameShare(a, b join.ShareInfo) bool {
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
