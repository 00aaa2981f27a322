package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/sessions"
)

// sessionList is the left panel: hosted sessions and joined connections, with Host and
// Join buttons, and the way to keys and settings.
type sessionList struct {
	u        *UI
	box      *fyne.Container
	list     *widget.List
	host     *tipButton
	join     *tipButton
	keys     *widget.Button
	settings *widget.Button
	updating bool // Select called by the window, not the user

	hostDialog *dialog.FormDialog
	hostName   *widget.Entry
	hostCmd    *widget.Entry
}

func newSessionList(u *UI) *sessionList {
	l := &sessionList{u: u}
	l.list = widget.NewList(
		func() int { return len(u.entries) },
		newListItem,
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(u.entries) {
				updateListItem(u.entries[i], o)
			}
		})
	l.list.OnSelected = func(i widget.ListItemID) {
		if !l.updating && i < len(u.entries) {
			u.selectEntry(u.entries[i])
		}
	}
	l.host = newTipButton(u.tips, "Host", theme.ContentAddIcon(), "Host another session (Ctrl+Shift+T)", l.onHost)
	l.join = newTipButton(u.tips, "Join", theme.LoginIcon(), "Join someone's session (Ctrl+Shift+J)", l.onJoin)
	l.keys = widget.NewButtonWithIcon("Keys", theme.AccountIcon(), func() { u.keys.show() })
	l.keys.Importance = widget.LowImportance
	l.settings = widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), u.showSettings)
	l.settings.Importance = widget.LowImportance
	top := container.NewVBox(
		container.NewPadded(heading("Sessions")),
		container.NewGridWithColumns(2, l.host, l.join),
		widget.NewSeparator(),
	)
	bottom := container.NewVBox(widget.NewSeparator(), container.NewGridWithColumns(2, l.keys, l.settings))
	l.box = container.NewBorder(top, bottom, nil, nil, l.list)
	return l
}

// newListItem is the template of a row: an icon, the name and state, and the command
// with the partner count.
func newListItem() fyne.CanvasObject {
	icon := widget.NewIcon(theme.ComputerIcon())
	name := widget.NewLabelWithStyle("session", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	detail := caption("command")
	detail.Wrapping = fyne.TextWrapOff
	detail.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, icon, nil, container.NewVBox(name, detail))
}

func updateListItem(e *entry, o fyne.CanvasObject) {
	row := o.(*fyne.Container)
	text := row.Objects[0].(*fyne.Container)
	icon := row.Objects[1].(*widget.Icon)
	if e.hosted() {
		icon.SetResource(theme.ComputerIcon())
	} else {
		icon.SetResource(theme.LoginIcon())
	}
	text.Objects[0].(*widget.Label).SetText(e.name)
	text.Objects[1].(*widget.Label).SetText(e.listDetail())
}

// listDetail is the second line of a row: command, partners, state.
func (e *entry) listDetail() string {
	parts := []string{e.command}
	if e.hosted() {
		parts = append(parts, plural(e.partners, "partner", "partners"))
	}
	if e.state != "running" {
		parts = append(parts, e.state)
	}
	if e.viewOnly && !e.ended {
		parts = append(parts, "view only")
	}
	return strings.Join(parts, " · ")
}

// refresh redraws the rows.
func (l *sessionList) refresh() {
	l.list.Refresh()
	l.u.centre.updateHeader()
}

// selectEntry highlights e's row.
func (l *sessionList) selectEntry(e *entry) {
	l.updating = true
	defer func() { l.updating = false }()
	for i, o := range l.u.entries {
		if o == e {
			l.list.Select(i)
			return
		}
	}
	l.list.UnselectAll()
}

// onHost asks for a name and a command and hosts a new session.
func (l *sessionList) onHost() {
	l.hostName = widget.NewEntry()
	l.hostName.SetText(l.freeName())
	l.hostCmd = widget.NewEntry()
	l.hostCmd.SetPlaceHolder("your login shell")
	items := []*widget.FormItem{
		widget.NewFormItem("Name", l.hostName),
		{Text: "Command", Widget: l.hostCmd, HintText: "e.g. tmux new -A -s pair"},
	}
	l.hostDialog = dialog.NewForm("Host a session", "Host", "Cancel", items, func(ok bool) {
		if ok {
			l.u.hostSession(strings.TrimSpace(l.hostName.Text), strings.TrimSpace(l.hostCmd.Text))
		}
	}, l.u.w)
	submit := func(string) { l.hostDialog.Submit() } // Enter hosts, from either field
	l.hostName.OnSubmitted, l.hostCmd.OnSubmitted = submit, submit
	l.hostDialog.Resize(fyne.NewSize(460, l.hostDialog.MinSize().Height))
	l.hostDialog.Show()
	l.u.w.Canvas().Focus(l.hostName)
}

// freeName proposes a session name no hosted session has.
func (l *sessionList) freeName() string {
	taken := map[string]bool{}
	for _, e := range l.u.entries {
		if e.hosted() {
			taken[e.name] = true
		}
	}
	if !taken[sessions.DefaultName] {
		return sessions.DefaultName
	}
	for i := 2; ; i++ {
		if n := fmt.Sprintf("session-%d", i); !taken[n] {
			return n
		}
	}
}

func (l *sessionList) onJoin() { l.u.showJoin() }
