package app

import (
	"reflect"
	"slices"
	"time"

	"fyne.io/fyne/v2"
)

// windowClient names the window's own attachment to a hosted session; partners' clients
// are named by their key's fingerprint.
const windowClient = "window"

// watchInterval is how often the watcher looks at partners and sizes, which change
// without telling anyone.
const watchInterval = 500 * time.Millisecond

// hostSnapshot is what the watcher sees of the hosted sessions, taken off the UI
// goroutine and handed to it.
type hostSnapshot struct {
	sessions []sessionState
}

// sessionState is one hosted session as the window shows it.
type sessionState struct {
	name, command string
	cols, rows    int
	youLimit      bool // the window's attachment sets the size
	partners      []partnerState
}

// partnerState is one partner's client.
type partnerState struct {
	fingerprint string
	name        string // see partnerName
	remote      string
	readOnly    bool
	limits      bool          // sets the session's size
	cols, rows  int           // their terminal's size
	seesPart    bool          // their terminal is smaller than the session: it shows a part
	rtt         time.Duration // round trip to the partner, in whole milliseconds; 0 unknown
}

// shownRTT rounds a round trip to what the panel shows, so that the snapshot changes
// only when the figure does; under a millisecond stays above 0 ("<1 ms").
func shownRTT(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return max(d.Round(time.Millisecond), time.Microsecond)
}

func (s hostSnapshot) session(name string) (sessionState, bool) {
	for _, st := range s.sessions {
		if st.name == name {
			return st, true
		}
	}
	return sessionState{}, false
}

// takeSnapshot reads the core's state; it runs on the watcher goroutine.
func takeSnapshot(h *hosting) hostSnapshot {
	var snap hostSnapshot
	partners := h.host.Partners()
	for _, s := range h.reg.List() {
		st := sessionState{name: s.Name(), command: s.Command()}
		st.cols, st.rows = s.Size()
		limiters := map[string]bool{}
		for _, c := range s.Limiters() {
			if fp := c.Fingerprint(); fp != "" {
				limiters[fp] = true // a partner's client, by its key
			} else {
				limiters[c.Name()] = true // the window's own
			}
		}
		st.youLimit = limiters[windowClient]
		for _, p := range partners {
			if p.Session != s.Name() {
				continue
			}
			st.partners = append(st.partners, partnerState{
				fingerprint: p.Fingerprint, name: partnerName(p), remote: p.Remote,
				readOnly: p.ReadOnly, limits: limiters[p.Fingerprint], cols: p.Cols, rows: p.Rows,
				rtt:      shownRTT(p.RTT),
				seesPart: p.Cols > 0 && p.Rows > 0 && (p.Cols < st.cols || p.Rows < st.rows),
			})
		}
		slices.SortFunc(st.partners, func(a, b partnerState) int {
			if a.remote < b.remote {
				return -1
			}
			if a.remote > b.remote {
				return 1
			}
			return 0
		})
		snap.sessions = append(snap.sessions, st)
	}
	return snap
}

// watch hands the UI goroutine a snapshot of the hosted sessions whenever it changes:
// the list of sessions changed, a user action poked it, or at the latest every
// watchInterval. It returns when the UI closes.
func (u *UI) watch(h *hosting) {
	defer u.wg.Done()
	tick := time.NewTicker(watchInterval)
	defer tick.Stop()
	var last hostSnapshot
	first := true
	for {
		changed := h.reg.Changed()
		snap := takeSnapshot(h)
		if first || !reflect.DeepEqual(snap, last) {
			first, last = false, snap
			fyne.Do(func() { u.applySnapshot(snap) })
		}
		select {
		case <-u.stop:
			return
		case <-h.ended: // handed off, or stopped
			return
		case <-tick.C:
		case <-changed:
		case <-u.poke:
		}
	}
}

// refreshSoon asks the watcher for a fresh snapshot now (after a user action).
func (u *UI) refreshSoon() {
	select {
	case u.poke <- struct{}{}:
	default:
	}
}
