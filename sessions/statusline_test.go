//go:build !windows

package sessions

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// drain feeds everything the client has queued to term, as its terminal would get it.
func drain(c *Client, term *vt.Screen) {
	c.mu.Lock()
	pending := len(c.pending) > 0 || c.overflow || c.statusDue
	c.mu.Unlock()
	if !pending {
		return
	}
	buf, _, _, _ := c.next(nil)
	term.Write(buf)
}

// statusRowText is the text of the terminal's last row, trimmed.
func statusRowText(term *vt.Screen) string {
	_, rows := term.Size()
	lines := strings.Split(term.Text(), "\n")
	if len(lines) < rows {
		return ""
	}
	return strings.TrimSpace(lines[rows-1])
}

// sameScreen reports where the terminal's top rows differ from the screen model.
func sameScreen(model, term *vt.Screen) string {
	cols, rows := model.Size()
	for y := range rows {
		for x := range cols {
			// A cell never printed on and a printed space look the same.
			if a, b := model.CellAt(x, y), term.CellAt(x, y); a != b && (cellText(a) != cellText(b) || a.Style() != b.Style()) {
				return fmt.Sprintf("cell %d,%d: model %q %+v, terminal %q %+v", x, y, a.String(), a.Style(), b.String(), b.Style())
			}
		}
	}
	mx, my, mv := model.Cursor()
	tx, ty, tv := term.Cursor()
	if mx != tx || my != ty || mv != tv {
		return fmt.Sprintf("cursor: model %d,%d %v, terminal %d,%d %v", mx, my, mv, tx, ty, tv)
	}
	return ""
}

func cellText(c vt.Cell) string {
	if s := c.String(); s != "" {
		return s
	}
	return " "
}

// statusStep is one random piece of a program's output, for a terminal of rows rows.
func statusStep(r *rand.Rand, rows int) string {
	words := []string{"hello", "wide 漢字 text", "αβγ", "x", strings.Repeat("long line ", 6)}
	switch r.IntN(26) {
	case 0, 1, 2:
		return words[r.IntN(len(words))]
	case 3:
		return "\r\n"
	case 4:
		return "\n"
	case 5:
		return fmt.Sprintf("\x1b[%d;%dH", 1+r.IntN(rows+4), 1+r.IntN(50))
	case 6:
		return fmt.Sprintf("\x1b[%dd", 1+r.IntN(rows+4))
	case 7:
		return fmt.Sprintf("\x1b[%dB\x1b[%dA", r.IntN(rows+3), r.IntN(3))
	case 8: // a scroll region whose bottom is the screen's, however it is said
		top := 1 + r.IntN(rows-1)
		return [...]string{"\x1b[r", fmt.Sprintf("\x1b[%dr", top), fmt.Sprintf("\x1b[%d;%dr", top, rows),
			fmt.Sprintf("\x1b[%d;%dr", top, rows+5), fmt.Sprintf("\x1b[%d;0r", top)}[r.IntN(5)]
	case 9:
		return fmt.Sprintf("\x1b[%dJ", r.IntN(3))
	case 10:
		return fmt.Sprintf("\x1b[%dK", r.IntN(3))
	case 11:
		return [...]string{"\x1b[?1049h", "\x1b[?1049l", "\x1b[?47h", "\x1b[?47l", "\x1b[?1047h"}[r.IntN(5)]
	case 12:
		return [...]string{"\x1b7", "\x1b8"}[r.IntN(2)]
	case 13:
		return fmt.Sprintf("\x1b[%d%c", 1+r.IntN(3), "LMST"[r.IntN(4)])
	case 14:
		return [...]string{"\x1bM", "\x1bD", "\x1bE"}[r.IntN(3)]
	case 15:
		return fmt.Sprintf("\x1b[%d;%dm", 30+r.IntN(8), 40+r.IntN(8))
	case 16:
		return [...]string{"\x1b[?6h", "\x1b[?6l"}[r.IntN(2)]
	case 17:
		return fmt.Sprintf("a\x1b[%db", 1+r.IntN(5))
	case 18:
		return [...]string{"\x1bc", "\x1b#8", "\x1b[!p"}[r.IntN(3)]
	case 19:
		return [...]string{"\x1b(0qqx\x1b(B", "\x1b)0\x0eqq\x0f", "\x1b(0"}[r.IntN(3)]
	case 20:
		return [...]string{"\x1b[?7l", "\x1b[?7h"}[r.IntN(2)]
	case 21:
		return [...]string{"\x1b[4h", "\x1b[4l"}[r.IntN(2)]
	case 22:
		return [...]string{"\x1b[?69h\x1b[3;30s", "\x1b[?69l"}[r.IntN(2)]
	case 23:
		return [...]string{"\x1b[?25l", "\x1b[?25h", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"}[r.IntN(3)]
	case 24:
		return fmt.Sprintf("\x1b[%dG%s", 35+r.IntN(8), words[r.IntN(len(words))]) // wraps
	}
	return "\x1b[0m"
}

// TestStatusLineFollowsTheProgram is a differential test of the status line: random
// output (scrolling, regions said every way, cursor moves below the screen, clears,
// alternate screens, resets, saved cursors, pending wraps, REP, character sets, margins,
// insert mode) goes to the session's screen model and, fitted, to the terminal of a
// client with a status line, one row taller; status changes and notices come in between.
// After every piece the terminal's top rows are exactly the model's screen (cells,
// styles and cursor) and its bottom row is the status line.
func TestStatusLineFollowsTheProgram(t *testing.T) {
	s := startSession(t, Options{Cols: 50, Rows: 12}, "exec sleep 600")
	const cols, rows = 50, 12 // the client's terminal; the session gets 11 rows
	for seed := range uint64(60) {
		r := rand.New(rand.NewPCG(seed, 15))
		c, err := s.Attach(AttachOptions{Name: "alice", Cols: cols, Rows: rows, StatusLine: true})
		if err != nil {
			t.Fatal(err)
		}
		if sc, sr := s.Size(); sc != cols || sr != rows-1 {
			t.Fatalf("session is %dx%d with a status line client of %dx%d", sc, sr, cols, rows)
		}
		term := vt.New(cols, rows, vt.Options{})
		status := "main · Alice · Bob"
		c.SetStatusLine(status)
		drain(c, term)
		var trail []string
		for i := range 200 {
			step := statusStep(r, rows-1)
			trail = append(trail, step)
			s.output([]byte(step))
			switch r.IntN(12) {
			case 0:
				status = fmt.Sprintf("main · Alice typing · %d", i)
				c.SetStatusLine(status)
			case 1:
				status = "main · αβγ 漢字 · Bob"
				c.SetStatusLine(status)
			}
			drain(c, term)
			if diff := sameScreen(s.Screen(), term); diff != "" {
				t.Fatalf("seed %d step %d: %s\nlast steps: %q", seed, i, diff, trail[max(0, len(trail)-12):])
			}
			if got := statusRowText(term); got != status {
				t.Fatalf("seed %d step %d: status row %q, want %q\nlast steps: %q", seed, i, got, status, trail[max(0, len(trail)-8):])
			}
		}
		c.Detach()
		s.output([]byte("\x1bc")) // the next seed starts from a fresh screen
	}
}

// TestStatusLineNotice: a notice takes the status line's place for a while, then the
// status comes back, with no repaint of the session.
func TestStatusLineNotice(t *testing.T) {
	defer func(d time.Duration) { noticeFor = d }(noticeFor)
	noticeFor = 50 * time.Millisecond
	s := startSession(t, Options{Cols: 80, Rows: 24}, "exec sleep 600")
	c, err := s.Attach(AttachOptions{Name: "alice", Cols: 80, Rows: 24, StatusLine: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Detach()
	term := vt.New(80, 24, vt.Options{})
	c.SetStatusLine("main · Alice")
	s.output([]byte("$ "))
	drain(c, term)
	c.Notice("duet: you are view only\x1b[2J")
	drain(c, term)
	if got := statusRowText(term); got != "duet: you are view only[2J" {
		t.Fatalf("status row shows %q during the notice", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for statusRowText(term) != "main · Alice" {
		if time.Now().After(deadline) {
			t.Fatalf("status row shows %q after the notice", statusRowText(term))
		}
		<-c.wake
		drain(c, term)
	}
	c.mu.Lock()
	drops := c.overflow
	c.mu.Unlock()
	if drops {
		t.Error("the notice went with a repaint")
	}
}
