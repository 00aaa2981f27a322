package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/sessions/record"
	"github.com/duetpair/duet/sessions/wire"
)

// recordDir is where the window records: Config.RecordDir, or "Duet recordings" in the
// home directory.
func (u *UI) recordDir() (string, error) {
	if u.cfg.RecordDir != "" {
		return u.cfg.RecordDir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory to keep recordings in: %w", err)
	}
	return filepath.Join(home, "Duet recordings"), nil
}

// toggleRecording starts or stops recording the hosted session of e. Everyone in the
// session is told (the session says so to each partner).
func (u *UI) toggleRecording(e *entry) {
	if e == nil || !e.hosted() || e.ended {
		return
	}
	if e.rec != nil {
		u.stopRecording(e)
		u.centre.updateHeader()
		return
	}
	dir, err := u.recordDir()
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		u.showError("Cannot record", fmt.Errorf("cannot make the folder for recordings: %w", err))
		return
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%s.cast", e.name, time.Now().Format("20060102-150405")))
	cols, rows := e.session.Size()
	rec, err := record.Create(path, record.Options{
		HostKey: u.hosting.hostKey.Signer, Session: e.name, Cols: cols, Rows: rows, Logger: u.log,
	})
	if err != nil {
		u.showError("Cannot record", err)
		return
	}
	e.rec = rec
	e.session.SetTap(rec)
	u.log.Info("recording", "session", e.name, "file", path)
	u.centre.updateHeader()
}

// stopRecording takes the recording off e's session and closes its file.
func (u *UI) stopRecording(e *entry) {
	if e.rec == nil {
		return
	}
	rec := e.rec
	e.rec = nil
	if e.session != nil {
		e.session.SetTap(nil)
	}
	if err := rec.Close(); err != nil {
		u.showError("The recording could not be saved", err)
		return
	}
	u.log.Info("recording stopped", "session", e.name, "file", rec.Path())
}

// togglePause draws or lifts the privacy curtain on e's hosted session.
func (u *UI) togglePause(e *entry) {
	if e == nil || !e.hosted() || e.ended {
		return
	}
	if e.session.Paused() {
		e.session.Resume()
	} else {
		e.session.Pause(false)
	}
	u.centre.updateHeader()
}

// hostNews records what a Duet host says about a joined session (recorded, paused).
func (e *entry) hostNews(st wire.State) {
	switch st {
	case wire.Recording:
		e.recorded = true
	case wire.NotRecording:
		e.recorded = false
	case wire.Paused:
		e.paused = true
	case wire.Resumed:
		e.paused = false
	}
}

// badges says what everyone in the session is told (recorded, paused), for the front of
// the header, where it is never cut off; "" if neither.
func (e *entry) badges() string {
	var parts []string
	recorded, paused := e.recorded, e.paused
	if e.hosted() {
		recorded, paused = e.rec != nil, e.session.Paused()
	}
	switch {
	case e.rec != nil:
		parts = append(parts, "● recording to "+filepath.Base(e.rec.Path()))
	case recorded:
		parts = append(parts, "● recording")
	}
	if paused {
		if e.hosted() {
			parts = append(parts, "sharing paused: partners see a curtain")
		} else {
			parts = append(parts, "the host paused sharing")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " · ") + " · "
}

// badge is the short, never cut off, red word in the header: what everyone is told.
func (e *entry) badge() string {
	recorded, paused := e.recorded, e.paused
	if e.hosted() {
		recorded, paused = e.rec != nil, e.session.Paused()
	}
	var parts []string
	if recorded {
		parts = append(parts, "● REC")
	}
	if paused {
		parts = append(parts, "PAUSED")
	}
	return strings.Join(parts, " ")
}

// recordButtons are the header's Record and Pause buttons, for a hosted session.
type recordButtons struct {
	record, pause *widget.Button
	badge         *widget.Label // "● REC", "PAUSED", for hosted and joined sessions
}

func newRecordButtons(c *centre) recordButtons {
	b := recordButtons{
		record: widget.NewButtonWithIcon("Record", theme.MediaRecordIcon(), func() { c.u.toggleRecording(c.shown) }),
		pause:  widget.NewButtonWithIcon("Pause sharing", theme.VisibilityOffIcon(), func() { c.u.togglePause(c.shown) }),
	}
	b.record.Importance = widget.LowImportance
	b.pause.Importance = widget.LowImportance
	b.badge = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.badge.Importance = widget.DangerImportance
	b.badge.Hide()
	return b
}

// update shows the buttons for a hosted session, saying what a click does.
func (b recordButtons) update(e *entry) {
	text := ""
	if e != nil {
		text = e.badge()
	}
	b.badge.SetText(text)
	if text == "" {
		b.badge.Hide()
	} else {
		b.badge.Show()
	}
	if e == nil || !e.hosted() || e.ended {
		b.record.Hide()
		b.pause.Hide()
		return
	}
	b.record.Show()
	b.pause.Show()
	if e.rec != nil {
		b.record.SetText("Stop recording")
		b.record.SetIcon(theme.MediaStopIcon())
	} else {
		b.record.SetText("Record")
		b.record.SetIcon(theme.MediaRecordIcon())
	}
	if e.session.Paused() {
		b.pause.SetText("Resume sharing")
		b.pause.SetIcon(theme.VisibilityIcon())
	} else {
		b.pause.SetText("Pause sharing")
		b.pause.SetIcon(theme.VisibilityOffIcon())
	}
}

// pauseShortcut is the key the host presses in the window to pause or resume sharing.
var pauseShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}

// recordShortcuts takes the host's pause key in e's terminal (see Terminal.OnShortcut).
func (u *UI) recordShortcuts(e *entry) func(fyne.Shortcut) bool {
	return func(s fyne.Shortcut) bool {
		if s.ShortcutName() != pauseShortcut.ShortcutName() || !e.hosted() {
			return false
		}
		u.togglePause(e)
		return true
	}
}
