package app

import (
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/keys"
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
}

func defaultSettings() settings { return settings{HostOnStart: true} }

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

// showSettings opens the settings dialog.
func (u *UI) showSettings() {
	hostOnStart := widget.NewCheck("Host a session when Duet opens", nil)
	hostOnStart.SetChecked(u.settings.HostOnStart)
	hostOnStart.OnChanged = func(on bool) {
		u.settings.HostOnStart = on
		if err := u.settings.save(u.cfg.Store); err != nil {
			u.showError("Duet could not save the settings", err)
		}
	}
	u.settingsCheck = hostOnStart
	dir := caption("Keys and settings are kept in " + u.cfg.Store.Dir())
	d := dialog.NewCustom("Settings", "Close", fixedWidth(460, container.NewVBox(hostOnStart, dir)), u.w)
	d.Show()
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
			u.wg.Add(1)
			go func() {
				defer u.wg.Done()
				e.session.Close() // the terminal's OnExit takes it off the list
			}()
		}
	}, u.w)
	d.Show()
}
