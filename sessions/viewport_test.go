//go:build !windows

package sessions

import (
	"strings"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
)

// rowOf returns row y of a terminal's screen, trailing blanks trimmed.
func rowOf(term *markedTerminal, y int) string {
	lines := strings.Split(term.Screen().Text(), "\n")
	if y >= len(lines) {
		return ""
	}
	return strings.TrimRight(lines[y], " ")
}

// largerThanPartner starts a 120x40 session that keeps the host's size, running script,
// with the host's own 120x40 client (returned, to type with) attached; once the screen
// shows shown, a partner's 80x24 terminal attaches with opt (its name and size set here).
func largerThanPartner(t *testing.T, script, shown string, opt AttachOptions) (*Session, *Client, *markedTerminal) {
	t.Helper()
	s := startSession(t, Options{Cols: 120, Rows: 40, Size: SizeHost}, script)
	host, _, _ := attach(t, s, AttachOptions{Name: "host", Host: true, Cols: 120, Rows: 40})
	waitScreen(t, s, shown)
	term := &markedTerminal{Terminal: duettest.NewTerminal(80, 24)}
	opt.Name, opt.Cols, opt.Rows = "laptop", 80, 24
	follow(t, s, opt, term)
	return s, host, term
}

// TestViewportFollowsCursor: with the host's size, the session keeps the host's 120x40
// while a partner's 80x24 terminal shows the part of it around the cursor, moving with
// it; Pan moves the view by hand, Follow goes back to the cursor; with the smallest
// size, the session shrinks to the partner's and the view goes.
func TestViewportFollowsCursor(t *testing.T) {
	s, host, term := largerThanPartner(t,
		`stty -echo; printf '\033[1;1HTOPLEFT\033[40;100HBOTTOMRIGHT'; read x; printf '\033[1;1H'; exec cat`,
		"BOTTOMRIGHT", AttachOptions{})
	if cols, rows := s.Size(); cols != 120 || rows != 40 {
		t.Fatalf("session %dx%d, want the host's 120x40", cols, rows)
	}
	// A partner as wide as the session but shorter sees a part too, and sets nothing.
	wide, _, _ := attach(t, s, AttachOptions{Name: "wide", Cols: 120, Rows: 20})
	if l := s.Limiters(); len(l) != 1 || l[0] != s.Clients()[0] {
		t.Errorf("the size is set by %d clients, want the host's only", len(l))
	}
	if _, _, _, _, ok := wide.View(); !ok {
		t.Error("a shorter partner has no view")
	}
	wide.Detach()
	// The cursor is after BOTTOMRIGHT (column 110, row 39): the view is columns 31-110
	// and rows 16-39.
	duettest.Poll(t, "the partner's view of the cursor's corner", func() bool {
		return rowOf(term, 23) == strings.Repeat(" ", 99-31)+"BOTTOMRIGHT"
	})
	if strings.Contains(term.Screen().Text(), "TOPLEFT") {
		t.Error("the view shows the top left corner too")
	}
	if x, y, _ := term.Screen().Cursor(); x != 110-31 || y != 23 {
		t.Errorf("partner's cursor at %d,%d, want %d,23", x, y, 110-31)
	}

	host.Write([]byte("\r")) // the cursor goes to the top left: the view follows
	duettest.Poll(t, "the view to follow the cursor home", func() bool { return rowOf(term, 0) == "TOPLEFT" })

	c := s.Clients()[1]
	if !c.Pan(100, 100) { // kept inside the session: columns 40-119, rows 16-39
		t.Fatal("the partner has no view to pan")
	}
	duettest.Poll(t, "the panned view", func() bool {
		return rowOf(term, 23) == strings.Repeat(" ", 99-40)+"BOTTOMRIGHT"
	})
	if x, y, cols, rows, ok := c.View(); !ok || x != 40 || y != 16 || cols != 80 || rows != 24 {
		t.Errorf("View = %d,%d %dx%d %v", x, y, cols, rows, ok)
	}
	c.Follow()
	duettest.Poll(t, "the view back at the cursor", func() bool { return rowOf(term, 0) == "TOPLEFT" })

	// While sharing is paused, the view shows the curtain, also when panned.
	s.Pause(false)
	duettest.Poll(t, "the curtain", func() bool { return strings.Contains(term.Screen().Text(), "paused sharing") })
	c.Pan(10, 10)
	host.Write([]byte("secret\r"))
	waitScreen(t, s, "secret")
	if strings.Contains(term.Screen().Text(), "secret") {
		t.Fatal("the view showed the screen while sharing was paused")
	}
	s.Resume()
	c.Follow() // the view moves as little as it must: the cursor (row 1) on its top row
	c.Pan(0, -1)
	if !duettest.PollWithin(duettest.Timeout, func() bool {
		return strings.HasPrefix(rowOf(term, 0), "secret") && !strings.Contains(term.Screen().Text(), "paused sharing")
	}) {
		x, y, w, h, ok := c.View()
		cx, cy, _ := s.Screen().Cursor()
		t.Fatalf("after Resume the partner (view %d,%d %dx%d %v; session cursor %d,%d) shows:\n%s\nthe session:\n%s", x, y, w, h, ok, cx, cy, term.Screen().Text(), s.Screen().Text())
	}

	s.SetSizePolicy(SizeSmallest)
	if cols, rows := s.Size(); cols != 80 || rows != 24 {
		t.Fatalf("smallest: session %dx%d, want the partner's 80x24", cols, rows)
	}
	if _, _, _, _, ok := c.View(); ok {
		t.Error("the partner still has a view of a session its size")
	}
}

// TestViewportNoticeKeepsCursor: a notice on the bottom row of a client that sees a
// view puts the cursor back where the view shows it, not where the session has it.
func TestViewportNoticeKeepsCursor(t *testing.T) {
	s, host, term := largerThanPartner(t,
		`stty -echo; printf '\033[30;100HMIDDLE'; read x; printf '\033[26;61HBACK'; exec cat`,
		"MIDDLE", AttachOptions{})
	waitTerm(t, term, "MIDDLE")
	host.Write([]byte("\r")) // the cursor goes back inside the view, which stays
	var x, y int
	duettest.Poll(t, "the partner's view of the cursor", func() bool {
		if !strings.Contains(term.Screen().Text(), "BACK") {
			return false
		}
		x, y, _ = term.Screen().Cursor()
		return true
	})
	if sx, sy, _ := s.Screen().Cursor(); sx == x && sy == y {
		t.Fatalf("the view's cursor %d,%d is where the session's is: the test shows nothing", x, y)
	}
	s.Clients()[1].Notice("a word from the host")
	// The notice and the cursor put back come in one write.
	duettest.Poll(t, "the notice", func() bool { return strings.Contains(rowOf(term, 23), "a word from the host") })
	if cx, cy, _ := term.Screen().Cursor(); cx != x || cy != y {
		t.Errorf("with the notice shown the cursor is at %d,%d, want the view's %d,%d", cx, cy, x, y)
	}
}

// TestViewportWithStatusLine: a partner with a status line that sees a view of a larger
// session has the status line on its bottom row and the view above it: drawn in full
// and in part, behind the curtain, after a notice; the cursor always where the view has
// it, never on the status line.
func TestViewportWithStatusLine(t *testing.T) {
	defer func(d time.Duration) { noticeFor = d }(noticeFor)
	noticeFor = 50 * time.Millisecond
	s, host, term := largerThanPartner(t,
		`stty -echo; printf '\033[40;100HBOTTOMRIGHT'; read x; printf '\033[1;1HTOPLEFT'; exec cat`,
		"BOTTOMRIGHT", AttachOptions{StatusLine: true})
	c := s.Clients()[1]
	c.SetStatusLine("duet main │ the status")
	// The view is 80x23 (columns 31-110, rows 17-39): BOTTOMRIGHT on row 22.
	duettest.Poll(t, "the view above the status line", func() bool {
		return rowOf(term, 22) == strings.Repeat(" ", 99-31)+"BOTTOMRIGHT" && rowOf(term, 23) == " duet main │ the status"
	})
	if _, _, cols, rows, ok := c.View(); !ok || cols != 80 || rows != 23 {
		t.Fatalf("view %dx%d (%v), want 80x23 above the status line", cols, rows, ok)
	}
	if x, y, _ := term.Screen().Cursor(); x != 110-31 || y != 22 {
		t.Errorf("cursor at %d,%d, want the view's %d,22", x, y, 110-31)
	}

	c.SetStatusLine("duet main │ changed")
	duettest.Poll(t, "the new status", func() bool { return rowOf(term, 23) == " duet main │ changed" })
	if x, y, _ := term.Screen().Cursor(); x != 110-31 || y != 22 {
		t.Errorf("after the status changed the cursor is at %d,%d, want the view's %d,22", x, y, 110-31)
	}

	host.Write([]byte("\r")) // the cursor goes home: the view follows, the status stays
	duettest.Poll(t, "the view at home", func() bool {
		return rowOf(term, 0) == "TOPLEFT" && rowOf(term, 23) == " duet main │ changed"
	})
	if x, y, _ := term.Screen().Cursor(); x != 7 || y != 0 {
		t.Errorf("cursor at %d,%d, want 7,0", x, y)
	}

	c.Notice("a word")
	duettest.Poll(t, "the notice on the status line", func() bool { return strings.Contains(rowOf(term, 23), "a word") })
	duettest.Poll(t, "the status back after the notice", func() bool { return rowOf(term, 23) == " duet main │ changed" })

	s.Pause(false)
	duettest.Poll(t, "the curtain above the status line", func() bool {
		return strings.Contains(term.Screen().Text(), "The host paused sharing") && rowOf(term, 23) == " duet main │ changed"
	})
	s.Resume()
	duettest.Poll(t, "the view again", func() bool {
		return rowOf(term, 0) == "TOPLEFT" && rowOf(term, 23) == " duet main │ changed"
	})
	if x, y, _ := term.Screen().Cursor(); x != 7 || y != 0 {
		t.Errorf("after the curtain the cursor is at %d,%d, want 7,0", x, y)
	}
}
