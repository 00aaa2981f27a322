package app

import (
	"errors"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/sessions/background"
)

// Sessions that outlive the window (sessions/background): quitting with hosted sessions
// running asks whether to keep them running in a background duet host, and opening the
// window takes them back.

// quitDialog asks what becomes of the running sessions when the window quits.
type quitDialog struct {
	d      dialog.Dialog
	text   *widget.Label
	keep   *widget.Button // nil where sessions cannot outlive the window (Windows)
	stop   *widget.Button
	cancel *widget.Button
}

// runningSessions returns how many hosted sessions run.
func (u *UI) runningSessions() int {
	n := 0
	for _, e := range u.entries {
		if e.session != nil && !e.ended {
			n++
		}
	}
	return n
}

// quitQuestion is the dialog's text for n running sessions and p partners attached.
func quitQuestion(n, p int, canKeep bool) string {
	what := "A session is running"
	if n > 1 {
		what = fmt.Sprintf("%d sessions are running", n)
	}
	switch {
	case p == 1:
		what += ", with a partner attached"
	case p > 1:
		what += fmt.Sprintf(", with %d partners attached", p)
	}
	them, its := "it", "its"
	if n > 1 {
		them, its = "them", "their"
	}
	if !canKeep {
		return what + ". Windows cannot keep a session running without its window: quitting ends " + them + " and " + its + " programs."
	}
	return what + ". Keep " + them + " running in the background: " + its + " programs go on, partners reconnect " +
		"to the same address in a moment, and opening Duet again brings " + them + " back (duet ls lists " + them +
		", duet stop ends " + them + "). Stopping " + them + " ends " + its + " programs."
}

// askQuit shows the quit dialog for n running sessions.
func (u *UI) askQuit(n int) {
	q := &quitDialog{}
	q.text = widget.NewLabel(quitQuestion(n, u.partnerCount(), background.Supported))
	q.text.Wrapping = fyne.TextWrapWord
	them := "it"
	if n > 1 {
		them = "them"
	}
	q.stop = widget.NewButton("Stop "+them+" and quit", func() {
		q.d.Hide()
		u.quit()
	})
	q.cancel = widget.NewButton("Cancel", func() {
		q.d.Hide()
		if e := u.selected; e != nil {
			u.w.Canvas().Focus(e.term) // back to typing
		}
	})
	buttons := container.NewHBox()
	if background.Supported {
		label := "Keep it running in the background"
		if n > 1 {
			label = fmt.Sprintf("Keep %d sessions running in the background", n)
		}
		q.keep = widget.NewButton(label, func() {
			q.d.Hide()
			u.keepAndQuit()
		})
		q.keep.Importance = widget.HighImportance
		buttons.Add(q.keep)
	} else {
		q.stop.Importance = widget.HighImportance
	}
	buttons.Add(q.stop)
	buttons.Add(q.cancel)
	q.d = dialog.NewCustomWithoutButtons("Quit Duet?",
		container.NewVBox(fixedWidth(560, q.text), container.NewCenter(buttons)), u.w)
	u.quitDialog = q
	q.d.Show()
	u.log.Info("quitting: asking what becomes of the running sessions", "sessions", n)
	if q.keep != nil {
		u.w.Canvas().Focus(q.keep) // Space keeps, Tab goes to the others
	} else {
		u.w.Canvas().Focus(q.cancel)
	}
}

// keepAndQuit hands the hosted sessions to a background duet host and quits. If that
// fails, the sessions come back to the window, which stays open and says why.
func (u *UI) keepAndQuit() {
	if u.quitting || u.hosting == nil {
		return
	}
	u.quitting = true
	for _, e := range u.entries {
		e.close() // the window's terminals let go of the sessions first
	}
	h := u.hosting
	keep := u.cfg.Keep
	if keep == nil {
		keep = u.startBackground
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		ho, err := h.handOff(u.log)
		if err == nil && len(ho.Sessions) == 0 {
			ho.Close() // they ended meanwhile: nothing to keep
		} else if err == nil {
			err = keep(ho)
			if err != nil {
				fyne.Do(func() { u.keepFailed(ho, err) })
				return
			}
			ho.Close() // the background host has its own copies
		}
		if err != nil {
			fyne.Do(func() { u.keepFailed(nil, err) })
			return
		}
		u.log.Info("sessions kept in the background", "sessions", len(ho.Sessions))
		fyne.Do(func() { u.shutdown(func() { fyne.Do(u.a.Quit) }) })
	}()
}

// startBackground is the default Config.Keep: this program as `duet host --background`.
func (u *UI) startBackground(ho *background.Handoff) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	p, err := background.Start(exe, u.cfg.Store.Dir(), os.Environ(), ho)
	if err != nil {
		return err
	}
	return p.Release() // it outlives the window
}

// keepFailed brings the sessions of ho back to the window (nil: they never left) after
// the background host could not take them, and says so.
func (u *UI) keepFailed(ho *background.Handoff, err error) {
	u.quitting = false
	for _, e := range append([]*entry(nil), u.entries...) {
		if e.session != nil {
			u.removeEntry(e)
		}
	}
	if ho != nil {
		u.hosting = nil
		u.stopRelay() // it served the host that handed off; resume starts it again
		u.resume(ho)
		ho.Close()
	} else if u.hosting != nil {
		for _, s := range u.hosting.reg.List() {
			if e := newHostedEntry(u, s); !e.ended {
				u.addEntry(e)
			}
		}
	}
	u.showError("Duet could not keep the sessions running in the background; they are still here", err)
}

// reattach takes the sessions a background duet host runs for this config dir, if any,
// and shows them; it reports whether there were any. It runs on the UI goroutine.
func (u *UI) reattach() bool {
	if !background.Supported {
		return false
	}
	tk, err := background.Take(u.cfg.Store.Dir())
	if errors.Is(err, background.ErrNone) {
		return false
	}
	if err != nil {
		u.showError("Duet could not bring back the sessions running in the background", err)
		return false
	}
	n := u.resume(tk.Handoff)
	if n == 0 {
		tk.Done(errors.New("nothing adopted"))
		tk.Close()
		return false
	}
	tk.Done(nil)
	tk.Close()
	u.log.Info("sessions back from the background", "sessions", n)
	return true
}

// resume serves ho's sessions from this window and shows them; it returns how many.
func (u *UI) resume(ho *background.Handoff) int {
	h, adopted, err := resumeHosting(u.cfg.Store, ho, u.approvals.ask, u.cfg.ApproveTimeout, u.settings.history(), u.log)
	if err != nil {
		u.showError("Duet could not host the sessions", err)
		return 0
	}
	u.useHosting(h)
	for _, s := range adopted {
		s.SetSizePolicy(u.settings.sizePolicy()) // the window's setting, as for its own sessions
		if e := newHostedEntry(u, s); !e.ended {
			u.addEntry(e)
		}
	}
	u.announce()
	u.refreshSoon()
	return len(adopted)
}
