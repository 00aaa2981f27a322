package app

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/background"
	"github.com/duetpair/duet/sessions/join"
)

// Config is what the window is opened with.
type Config struct {
	// Store is the config dir (keys, approved keys, known hosts, settings). Required.
	Store *keys.Store
	// Listen is the address partners connect to; "" means port 2222 on all interfaces,
	// or the next free port.
	Listen string
	// Logger receives the log; nil discards it.
	Logger *slog.Logger
	// Out, if set, is told "listening on ADDR" and the host key fingerprint once the
	// window hosts (as `duet host` prints them), for scripts and tests.
	Out io.Writer
	// ApproveTimeout is how long a partner waits for an answer; 0 means the host's
	// default (60 s).
	ApproveTimeout time.Duration
	// RecordDir is where recordings are saved; "" means "Duet recordings" in the home
	// directory.
	RecordDir string
	// Join, if set, is an address or invite (duet://…) to join as the window opens, as
	// when a partner clicks an invite link; the window then does not host at start,
	// whatever the settings say.
	Join string
	// Keep serves the sessions the window hands over when it quits keeping them
	// (sessions/background), and returns once they are served; nil means a background
	// duet host: this program, started as `duet host --background`.
	Keep func(*background.Handoff) error
}

// UI is the Duet window. Make it with [New], call [UI.Start] once the window shows, and
// [UI.Close] after the app stopped running.
type UI struct {
	a   fyne.App
	w   fyne.Window
	cfg Config
	log *slog.Logger

	stop     chan struct{} // closed when the window closes
	stopOnce sync.Once
	poke     chan struct{}  // asks the watcher for a snapshot now
	wg       sync.WaitGroup // every goroutine of the window

	// UI goroutine only.
	settings  settings
	hosting   *hosting     // nil until the first hosted session
	relay     *windowRelay // nil while no relay runs
	snap      hostSnapshot
	entries   []*entry
	selected  *entry
	focused   bool
	quitting  bool
	announced bool // "listening on" was printed to cfg.Out
	list      *sessionList
	share     *sharePanel
	partners  *partnersPanel
	approvals *approvals
	presence  *presence
	tips      *tips
	font      *fontSize
	centre    *centre
	side      *fyne.Container
	sideBox   *fyne.Container // the side with its separator
	sideShown bool
	content   *fyne.Container // the three columns (windowLayout)
	keys      *keysScreen

	// The dialogs shown last, kept for tests (UI goroutine only).
	lastError   *errorDialog
	joinDlg     *joinDialog
	trustDlg    *trustDialog
	hostKeyDlg  *hostKeyDialog // a changed host key, or an invite's new key, while shown
	promptDlg   dialog.Dialog  // what a server asks while joining (a password), while shown
	quitDialog  *quitDialog
	settingsDlg *settingsDialog
}

// New builds the window's content into w. Nothing is hosted until Start.
func New(a fyne.App, w fyne.Window, cfg Config) *UI {
	u := &UI{
		a: a, w: w, cfg: cfg, log: cfg.Logger,
		stop: make(chan struct{}), poke: make(chan struct{}, 1),
		focused: true, sideShown: true,
	}
	if u.log == nil {
		u.log = slog.New(slog.DiscardHandler)
	}
	u.settings = loadSettings(cfg.Store, u.log)
	u.tips = newTips(u)
	u.font = &fontSize{u: u, size: u.settings.FontSize}
	u.list = newSessionList(u)
	u.share = newSharePanel(u)
	u.partners = newPartnersPanel(u)
	u.approvals = newApprovals(u)
	u.presence = newPresence(u)
	u.centre = newCentre(u)
	u.keys = newKeysScreen(u)
	u.side = container.NewVBox(u.share.box, widget.NewSeparator(), u.partners.box)
	u.sideBox = container.NewStack(opaque(),
		container.NewBorder(nil, nil, widget.NewSeparator(), nil, container.NewVScroll(u.side)))
	u.content = container.New(windowLayout{top: u.centre.top},
		container.NewBorder(nil, nil, nil, widget.NewSeparator(), u.list.box),
		u.centre.box,
		u.sideBox)
	w.SetContent(container.NewStack(u.content, u.tips.layer))
	w.SetMainMenu(u.newMainMenu())
	w.SetCloseIntercept(u.onCloseWindow)
	a.Lifecycle().SetOnEnteredForeground(func() { u.focused = true })
	a.Lifecycle().SetOnExitedForeground(func() { u.focused = false })
	u.updateSide()
	return u
}

// Start joins Config.Join if set, or else hosts the default session if the settings
// say so, and focuses the terminal. It runs on the UI goroutine.
func (u *UI) Start() {
	back := u.reattach() // sessions kept running in the background come back as they are
	switch {
	case u.cfg.Join != "":
		// Opened to join (an invite link): nothing of this computer is shared unless
		// the user hosts with a click.
		addr, err := join.ParseAddress(u.cfg.Join)
		if err != nil {
			u.showJoinAgain(u.cfg.Join, err)
			break
		}
		u.join(addr)
	case u.settings.HostOnStart && !back:
		u.hostSession(sessions.DefaultName, "")
	}
	u.centre.show(u.selected)
}

// ensureHosting starts the SSH host if it is not running yet.
func (u *UI) ensureHosting() bool {
	if u.hosting != nil {
		return true
	}
	listen := u.cfg.Listen
	if listen == "" {
		listen = u.settings.Listen
	}
	h, err := startHosting(u.cfg.Store, listen, u.approvals.ask, u.cfg.ApproveTimeout, u.settings.history(), u.log)
	if err != nil {
		u.log.Warn("start hosting", "listen", listen, "err", err)
		u.showError("Duet could not start hosting", hostingError(listen, err))
		return false
	}
	u.useHosting(h)
	return true
}

// useHosting makes h the window's hosting: watched, and relayed if the settings say so.
func (u *UI) useHosting(h *hosting) {
	u.hosting = h
	u.log.Info("hosting", "addr", h.addr, "fp", h.hostKey.Fingerprint())
	u.wg.Add(1)
	go u.watch(h)
	if u.settings.Relay != "" && u.relay == nil {
		u.startRelay()
	}
}

// announce tells cfg.Out where the window listens, once a session is there to join.
func (u *UI) announce() {
	if u.cfg.Out != nil && !u.announced && u.hosting != nil {
		u.announced = true
		fmt.Fprintf(u.cfg.Out, "listening on %s\nhost key %s\n", u.hosting.addr, u.hosting.hostKey.Fingerprint())
	}
}

// hostSession starts a hosted session and shows it.
func (u *UI) hostSession(name, command string) bool {
	if !u.ensureHosting() {
		return false
	}
	s, err := u.hosting.start(name, command, u.settings.sizePolicy(), u.log)
	if err != nil {
		u.log.Warn("start session", "session", name, "err", err)
		u.showError(fmt.Sprintf("Duet could not start the session %s", name), startError(name, command, err))
		return false
	}
	e := newHostedEntry(u, s)
	if e.ended { // the command ended before the window could attach
		ex, _ := s.Exit()
		u.showError("", exitedError(name, command, ex.Desc))
		return false
	}
	u.addEntry(e)
	u.announce()
	u.refreshSoon()
	return true
}

// addEntry adds a session to the list and selects it.
func (u *UI) addEntry(e *entry) {
	u.entries = append(u.entries, e)
	u.list.refresh()
	u.selectEntry(e)
}

// selectEntry shows e in the centre and its partners on the right.
func (u *UI) selectEntry(e *entry) {
	u.selected = e
	u.centre.show(e)
	u.list.selectEntry(e)
	u.updateSide()
	u.w.SetTitle(windowTitle(e))
}

// removeEntry takes e off the list, detaching its terminal (which leaves a joined
// session or detaches the window from a hosted one).
func (u *UI) removeEntry(e *entry) {
	i := -1
	for j, o := range u.entries {
		if o == e {
			i = j
		}
	}
	if i < 0 {
		return
	}
	u.entries = append(u.entries[:i], u.entries[i+1:]...)
	e.close()
	if u.selected == e {
		u.selected = nil
		if len(u.entries) > 0 {
			u.selected = u.entries[min(i, len(u.entries)-1)]
		}
	}
	u.list.refresh()
	u.selectEntry(u.selected)
}

// applySnapshot shows what the watcher saw of the hosted sessions.
func (u *UI) applySnapshot(snap hostSnapshot) {
	u.presence.update(u.snap, snap)
	u.snap = snap
	for _, e := range u.entries {
		if e.session == nil {
			continue
		}
		if st, ok := snap.session(e.name); ok {
			e.setState(st)
		}
	}
	u.list.refresh()
	u.updateSide()
	u.w.SetTitle(windowTitle(u.selected))
}

// updateSide shows the share panel and the partners of the selected hosted session.
func (u *UI) updateSide() {
	e := u.selected
	if e == nil || e.session == nil || u.hosting == nil {
		u.share.show(nil, "")
		u.partners.show(nil, sessionState{})
		return
	}
	u.share.show(u.hosting, e.name)
	st, _ := u.snap.session(e.name)
	u.partners.show(e, st)
}

// floatingWidth returns how much of the centre the right panel covers: none when it is
// hidden or docked.
func (u *UI) floatingWidth() float32 {
	if u.content == nil || !u.sideBox.Visible() || docked(u.content.Size().Width) {
		return 0
	}
	return u.sideBox.Size().Width
}

// toggleSide shows or hides the right panel.
func (u *UI) toggleSide() {
	u.sideShown = !u.sideShown
	if u.sideShown {
		u.sideBox.Show()
	} else {
		u.sideBox.Hide()
	}
	u.content.Refresh()
	if e := u.selected; e != nil {
		e.updateShade()
	}
	u.centre.updateHeader()
}

// partnerCount returns how many partners are attached to all hosted sessions.
func (u *UI) partnerCount() int {
	n := 0
	for _, st := range u.snap.sessions {
		n += len(st.partners)
	}
	return n
}

// onCloseWindow quits, asking first what becomes of the hosted sessions that run: kept
// running in the background, or stopped.
func (u *UI) onCloseWindow() {
	if u.quitting {
		return
	}
	if u.hosting != nil {
		u.snap = takeSnapshot(u.hosting) // the latest, not the last tick's
	}
	if n := u.runningSessions(); n > 0 {
		u.askQuit(n)
		return
	}
	u.quit()
}

// quit detaches every terminal, stops hosting and joined connections in the
// background, then quits the app.
func (u *UI) quit() {
	if u.quitting {
		return
	}
	u.quitting = true
	u.shutdown(func() { fyne.Do(u.a.Quit) })
}

// shutdown stops everything the window runs; then runs on a goroutine of its own. It
// runs on the UI goroutine.
func (u *UI) shutdown(then func()) {
	u.stopOnce.Do(func() {
		close(u.stop)
		for _, e := range u.entries {
			e.close()
		}
		h := u.hosting
		wr := u.relay
		u.relay = nil
		u.wg.Add(1)
		go func() {
			defer u.wg.Done()
			if wr != nil {
				wr.cancel()
				wr.r.Close()
			}
			if h != nil {
				h.shutdown(u.log)
			}
			if then != nil {
				then()
			}
		}()
	})
}

// Close stops everything the window runs (if quitting did not already) and returns when
// every goroutine of the window is gone. Call it after the app stopped running.
func (u *UI) Close() {
	u.shutdown(nil)
	u.wg.Wait()
}

// after runs f on the UI goroutine once d has passed, unless the window closes first.
// It runs on the UI goroutine.
func (u *UI) after(d time.Duration, f func()) {
	if u.closing() {
		return // Close may be waiting for the goroutines already
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			fyne.Do(f)
		case <-u.stop:
		}
	}()
}

// closing reports whether the window is shutting down: no goroutine may start then.
func (u *UI) closing() bool {
	select {
	case <-u.stop:
		return true
	default:
		return false
	}
}
