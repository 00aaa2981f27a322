package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/wire"
)

// settingsFile holds the window's settings in the config dir.
const settingsFile = "settings.json"

// settings are the window's preferences.
type settings struct {
	// HostOnStart hosts the default session when the window opens.
	HostOnStart bool `json:"host_on_start"`
	// Relay is the SSH server the window's host is also reached through,
	// user@server[:port]; "" means no relay.
	Relay string `json:"relay,omitempty"`
	// Name is the display name Duet hosts are told when joining them; "" means the
	// login name.
	Name string `json:"name,omitempty"`
	// ApproveRole is the role the host chose last when letting a partner in ("type" or
	// "view"): the approval dialog starts with it.
	ApproveRole string `json:"approve_role,omitempty"`
	// Listen is the address partners connect to (":2222" and the like); "" means port
	// 2222 on all interfaces, or the next free one. A --listen flag wins.
	Listen string `json:"listen,omitempty"`
	// FontSize is the terminals' text size (Ctrl+= and Ctrl+-); 0 means the theme's.
	FontSize float32 `json:"font_size,omitempty"`
	// History is how many lines of scrollback a partner who joins gets: nil means all
	// the session keeps, 0 none.
	History *int `json:"history,omitempty"`
	// Size is the size policy of the sessions the window hosts: "smallest" (also "") or
	// "host" (see sessions.SizePolicy).
	Size string `json:"size,omitempty"`
}

// sizePolicy is the Size setting's policy; anything unknown is the default.
func (s settings) sizePolicy() sessions.SizePolicy {
	p, err := sessions.ParseSizePolicy(s.Size)
	if err != nil {
		return sessions.SizeSmallest
	}
	return p
}

// sizeNote explains the size setting's choices.
const sizeNote = "The smallest: everyone sees all of the session. Yours: the session keeps your " +
	"window's size; a partner with a smaller terminal sees the part around the cursor (in Duet, " +
	"Ctrl+Shift+arrows pan it)."

// The choices of the size setting, in the order shown.
const (
	sizeSmallestText = "The smallest of those who type"
	sizeHostText     = "Yours (smaller partners see a part)"
)

// wrapped makes l wrap its words: a note under a setting, as wide as the dialog.
func wrapped(l *widget.Label) *widget.Label {
	l.Wrapping = fyne.TextWrapWord
	return l
}

// history is host.Server.History for the setting.
func (s settings) history() int {
	if s.History == nil {
		return host.HistoryLines(-1)
	}
	return host.HistoryLines(*s.History)
}

// historyText says how much of the session's past a partner who joins sees.
func historyText(lines int) string {
	if lines == 0 {
		return "Partners who join see the screen, none of the earlier lines."
	}
	return fmt.Sprintf("Partners see the last %d lines of scrollback when they join.", lines)
}

func defaultSettings() settings { return settings{HostOnStart: true} }

// displayName is the name Duet hosts are told when joining: the one set, or the login
// name.
func (s settings) displayName() string {
	if n := strings.TrimSpace(s.Name); n != "" {
		return n
	}
	return loginName()
}

// loginName is the user's login name, "" if unknown.
func loginName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		name := u.Username
		if i := strings.LastIndexByte(name, '\\'); i >= 0 { // DOMAIN\user on Windows
			name = name[i+1:]
		}
		return name
	}
	for _, v := range []string{"USER", "USERNAME", "LOGNAME"} {
		if n := os.Getenv(v); n != "" {
			return n
		}
	}
	return ""
}

// loadSettings reads the settings; a missing or unreadable file gives the defaults.
func loadSettings(store *keys.Store, log *slog.Logger) settings {
	s := defaultSettings()
	data, err := os.ReadFile(store.Path(settingsFile))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			log.Warn("read settings", "err", err)
		}
		return s
	}
	if err := json.Unmarshal(data, &s); err != nil {
		log.Warn("read settings", "path", store.Path(settingsFile), "err", err)
		return defaultSettings()
	}
	return s
}

// save writes the settings atomically.
func (s settings) save(store *keys.Store) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	path := store.Path(settingsFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// settingsDialog is the settings dialog's widgets, kept for tests.
type settingsDialog struct {
	dlg         *dialog.CustomDialog
	hostOnStart *widget.Check
	name        *widget.Entry
	listen      *widget.Entry
	history     *widget.Entry
	historyNote *widget.Label
	size        *widget.RadioGroup
}

// showSettings opens the settings dialog; each change is saved at once.
func (u *UI) showSettings() {
	sd := &settingsDialog{}
	save := func() {
		if err := u.settings.save(u.cfg.Store); err != nil {
			u.showError("Duet could not save the settings", err)
		}
	}
	sd.hostOnStart = widget.NewCheck("Host a session when Duet opens", nil)
	sd.hostOnStart.SetChecked(u.settings.HostOnStart)
	sd.hostOnStart.OnChanged = func(on bool) {
		u.settings.HostOnStart = on
		save()
	}
	sd.name = widget.NewEntry()
	sd.name.SetPlaceHolder(loginName())
	sd.name.SetText(u.settings.Name)
	sd.name.OnChanged = func(text string) {
		u.settings.Name = strings.TrimSpace(text)
		save()
	}
	sd.listen = widget.NewEntry()
	sd.listen.SetPlaceHolder(fmt.Sprintf(":%d (or the next free port)", wire.DefaultPort))
	sd.listen.SetText(u.settings.Listen)
	sd.listen.OnChanged = func(text string) {
		u.settings.Listen = strings.TrimSpace(text)
		save()
	}
	sd.history = widget.NewEntry()
	sd.history.SetPlaceHolder(fmt.Sprintf("all (up to %d lines)", sessions.ScrollbackLines))
	if u.settings.History != nil {
		sd.history.SetText(strconv.Itoa(*u.settings.History))
	}
	sd.historyNote = wrapped(caption(""))
	showHistory := func(problem string) {
		if problem == "" {
			problem = historyText(host.HistoryShown(u.settings.history()))
		}
		sd.historyNote.SetText(problem)
	}
	showHistory("")
	sd.history.OnChanged = func(text string) {
		text = strings.TrimSpace(text)
		if text == "" {
			u.settings.History = nil
		} else if n, err := strconv.Atoi(text); err == nil && n >= 0 {
			u.settings.History = &n
		} else {
			showHistory("Type a number of lines (0 for none), or leave it empty for all.")
			return
		}
		save()
		showHistory("")
		if u.hosting != nil {
			u.hosting.host.SetHistory(u.settings.history())
		}
		u.updateSide()
	}
	sd.size = widget.NewRadioGroup([]string{sizeSmallestText, sizeHostText}, nil)
	sd.size.Required = true
	sd.size.SetSelected(map[sessions.SizePolicy]string{sessions.SizeSmallest: sizeSmallestText, sessions.SizeHost: sizeHostText}[u.settings.sizePolicy()])
	sd.size.OnChanged = func(choice string) {
		p := sessions.SizeSmallest
		if choice == sizeHostText {
			p = sessions.SizeHost
		}
		u.settings.Size = p.String()
		save()
		for _, e := range u.entries {
			if e.session != nil {
				e.session.SetSizePolicy(p) // a call into the core, which never waits for a client
			}
		}
	}
	listenNote := "Partners connect to this address; a change applies when Duet opens next."
	if u.hosting != nil {
		listenNote = fmt.Sprintf("Now listening on %s. ", u.hosting.addr) + listenNote
	}
	if u.cfg.Listen != "" {
		listenNote = "Set by --listen " + u.cfg.Listen + " for this window. " + listenNote
	}
	form := widget.NewForm(
		&widget.FormItem{Text: "Your name", Widget: sd.name, HintText: "What hosts you join see (Duet hosts only)"},
		&widget.FormItem{Text: "Listen on", Widget: container.NewVBox(sd.listen, wrapped(caption(listenNote)))},
		&widget.FormItem{Text: "History", Widget: container.NewVBox(sd.history, sd.historyNote)},
		&widget.FormItem{Text: "Session size", Widget: container.NewVBox(sd.size, wrapped(caption(sizeNote)))},
	)
	dir := caption("Keys and settings are kept in " + u.cfg.Store.Dir())
	sd.dlg = dialog.NewCustom("Settings", "Close", fixedWidth(480, container.NewVBox(sd.hostOnStart, form, dir)), u.w)
	u.settingsDlg = sd
	sd.dlg.Show()
}

// confirmEnd asks before ending a hosted session.
func (u *UI) confirmEnd(e *entry) {
	msg := "End the session " + e.name + "? Its command is stopped"
	if e.partners > 0 {
		msg += " and " + plural(e.partners, "partner is", "partners are") + " disconnected"
	}
	l := widget.NewLabel(msg + ".")
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("End session?", "End session", "Cancel", fixedWidth(400, l), func(ok bool) {
		if ok && e.session != nil {
			e.ending = true
			u.wg.Add(1)
			go func() {
				defer u.wg.Done()
				e.session.Close() // the terminal's OnExit takes it off the list
			}()
		}
	}, u.w)
	d.Show()
}
