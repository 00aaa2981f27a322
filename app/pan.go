package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/duetpair/duet/sessions/wire"
)

// The keys that move a joined session's view while the host's session is larger than
// this terminal (the host's size policy: the host shows the part around the cursor):
// Ctrl+Shift+arrows pan, Ctrl+Shift+Home follows the cursor again. They are the
// terminal's only while there is a view to move.
const panModifier = fyne.KeyModifierControl | fyne.KeyModifierShift

// panSteps is how far one key moves the view: columns, rows.
var panSteps = map[fyne.KeyName][2]int{
	fyne.KeyLeft: {-8, 0}, fyne.KeyRight: {8, 0}, fyne.KeyUp: {0, -4}, fyne.KeyDown: {0, 4},
}

// viewSize reads a View status's Text (the session's size, "120x40", from the host: a
// string from the other side) into the words shown; "" for none or anything else.
func viewSize(text string) string {
	var cols, rows int
	if n, err := fmt.Sscanf(text, "%dx%d", &cols, &rows); err != nil || n != 2 || cols <= 0 || rows <= 0 ||
		fmt.Sprintf("%dx%d", cols, rows) != text {
		return ""
	}
	return fmt.Sprintf("%d×%d", cols, rows)
}

// hostView takes a View status: whether this terminal shows part of the host's session.
func (e *entry) hostView(st wire.Status) {
	e.viewOf = viewSize(st.Text)
	e.u.centre.updateHeader()
}

// panShortcuts moves e's view of the host's session with the pan keys (see
// Terminal.OnShortcut), while it has one.
func (u *UI) panShortcuts(e *entry) func(fyne.Shortcut) bool {
	return func(s fyne.Shortcut) bool {
		cs, ok := s.(*desktop.CustomShortcut)
		if !ok || e.viewOf == "" || e.ended || e.join == nil || cs.Modifier != panModifier {
			return false
		}
		step, pan := panSteps[cs.KeyName]
		if !pan && cs.KeyName != fyne.KeyHome {
			return false
		}
		e.join.mu.Lock()
		conn := e.join.conn
		e.join.mu.Unlock()
		if conn == nil {
			return true
		}
		u.wg.Add(1)
		go func() { // a request on the connection: never from the UI goroutine
			defer u.wg.Done()
			var err error
			if pan {
				err = conn.Pan(step[0], step[1])
			} else {
				err = conn.FollowCursor()
			}
			if err != nil {
				u.log.Info("pan the view", "err", err)
			}
		}()
		return true
	}
}
