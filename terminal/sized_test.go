package terminal

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/sessions"
)

// TestHostShowsExactlyTheSessionsScreen: a partner with a smaller terminal makes the
// session smaller than the window; the widget's screen takes the session's size where
// the output changed it, so a full screen (seq 1 300) leaves the prompt and cursor where
// the session has them, not under the shade. When the partner leaves, the screen is the
// grid's again and nothing is shaded.
func TestHostShowsExactlyTheSessionsScreen(t *testing.T) {
	s, term, _ := hostedTerminal(t, 500, 300)
	cols, rows := term.GridSize()
	partner, err := s.Attach(sessions.AttachOptions{Name: "partner", Cols: 20, Rows: 6})
	if err != nil {
		t.Fatalf("attach partner: %v", err)
	}
	waitFor(t, "the widget's screen to take the partner's size", func() bool {
		c, r := term.ScreenSize()
		return c == 20 && r == 6
	})
	ui(func() { test.Type(term, "seq 1 300\r") })
	waitFor(t, "the prompt after seq on the widget's screen, as on the session's", func() bool {
		text := term.Screen().Text()
		return strings.Contains(text, "300\n$") && text == s.Screen().Text()
	})
	ui(func() {
		term.Refresh()
		if a := term.sessionArea(); a != [2]int{20, 6} {
			t.Errorf("shaded beyond %v, want beyond the session's 20x6", a)
		}
		cx, cy := term.snap.CursorX, term.snap.CursorY
		if cx >= 20 || cy >= 6 {
			t.Errorf("cursor at %d,%d: outside the session's screen", cx, cy)
		}
	})

	partner.Detach()
	waitFor(t, "the widget's screen to be the grid's again", func() bool {
		c, r := term.ScreenSize()
		return c == cols && r == rows
	})
	ui(func() {
		term.Refresh()
		if a := term.sessionArea(); a != [2]int{} {
			t.Errorf("still shaded beyond %v after the partner left", a)
		}
	})
}

// hostedTerminal shows a real hosted session (/bin/sh) in a widget of w x h, attached
// as the host's window is: the widget's screen follows the session's size.
func hostedTerminal(t *testing.T, w, h float32) (*sessions.Session, *Terminal, fyne.Window) {
	t.Helper()
	s, err := sessions.Start(sessions.Options{Command: []string{"/bin/sh"}, Env: []string{"PS1=$ "}})
	if err != nil {
		t.Fatalf("start session: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	term, win := newTestTerminal(t, w, h)
	cols, rows := term.GridSize()
	c, err := s.Attach(sessions.AttachOptions{Name: "window", Cols: cols, Rows: rows, FollowSize: true})
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	term.Attach(sessions.NewStream(c))
	return s, term, win
}
