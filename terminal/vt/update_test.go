package vt

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/flood"
)

// isRepaint reports whether an update is a full repaint.
func isRepaint(b []byte) bool { return bytes.Contains(b, []byte("\x1b[?1049l")) }

// partnerOf returns a model and a separate terminal (with scrollback) that both start
// showing s from a repaint, as a partner falling behind does. (How a repaint does over a
// terminal that showed something else is the repaint's tests' business.)
func partnerOf(s *Screen) (model, term *Screen) {
	cols, rows := s.Size()
	model = New(cols, rows, Options{Scrollback: -1})
	term = New(cols, rows, Options{})
	first := s.Repaint()
	model.Write(first)
	term.Write(first)
	return model, term
}

// repaintable reports whether a repaint of s reproduces it on a fresh terminal.
func repaintable(s *Screen) bool {
	cols, rows := s.Size()
	fresh := New(cols, rows, Options{})
	fresh.Write(s.Repaint())
	return stateDiff(s, fresh) == ""
}

// TestUpdateRandom: an update between random states of random streams leaves a terminal
// showing what the screen shows, and most updates are not repaints.
func TestUpdateRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	updates, repaints := 0, 0
	for i := range 300 {
		w, h := 2+rng.IntN(30), 2+rng.IntN(12)
		s := New(w, h, Options{})
		s.Write(randomStream(rng, 1+rng.IntN(100)))
		model, term := partnerOf(s)
		for j := range 15 {
			var stream []byte
			if rng.IntN(3) == 0 {
				stream = randomStream(rng, 1+rng.IntN(30))
			} else { // mostly text, as most output is
				for range 1 + rng.IntN(20) {
					stream = append(stream, []string{"word ", "\r\n", "中", "\x1b[32mgreen\x1b[m", "0123456789"}[rng.IntN(5)]...)
				}
			}
			s.Write(stream)
			if !repaintable(s) {
				break // the repaint's own tests' business; this case ends here
			}
			upd := s.AppendUpdate(nil, model)
			term.Write(upd)
			updates++
			if isRepaint(upd) {
				repaints++
			}
			if d := stateDiff(s, term); d != "" {
				t.Fatalf("case %d (%dx%d), update %d: the terminal differs:\n%s\nlast stream %q\nlast update: %q\nmodel: %s", i, w, h, j, d, stream, upd, stateDiff(s, model))
			}
			if d := stateDiff(s, model); d != "" {
				t.Fatalf("case %d, update %d: the model differs:\n%s", i, j, d)
			}
		}
	}
	// Random streams change modes, regions, screens and line sizes all the time: most
	// of their updates are repaints (TestUpdateFlood is about what updates cost).
	t.Logf("%d updates, %d of them repaints", updates, repaints)
}

// TestUpdateFlood: updates taken now and then from a flood of coloured lines, some
// longer than the screen is wide, leave the terminal right and cost less than repaints
// would: rows that scrolled are moved, not drawn again.
func TestUpdateFlood(t *testing.T) {
	text := flood.Colour(1 << 20)
	for i := 0; i < len(text); i += 1000 {
		text = append(text[:i], append([]byte("and a long line that wraps around the edge of the screen, twice or so, "), text[i:]...)...)
		i += 200
	}
	s := New(80, 24, Options{})
	model, term := partnerOf(s)
	rng := rand.New(rand.NewPCG(5, 6))
	updates, sent, repainted := 0, 0, 0
	for pos := 0; pos < len(text); {
		n := min(len(text)-pos, 1+rng.IntN(1000)) // up to half a screenful
		s.Write(text[pos : pos+n])
		pos += n
		upd := s.AppendUpdate(nil, model)
		term.Write(upd)
		updates++
		sent += len(upd)
		repainted += len(s.Repaint())
		if d := stateDiff(s, term); d != "" {
			t.Fatalf("update %d: the terminal differs:\n%s", updates, d)
		}
	}
	if sent > repainted*6/10 {
		t.Errorf("updates sent %d bytes, repaints would have been %d", sent, repainted)
	}
	t.Logf("%d updates: %d bytes, repaints would have been %d", updates, sent, repainted)
}

// TestUpdateSmall: what changes little costs little.
func TestUpdateSmall(t *testing.T) {
	fill := func(s *Screen, from, n int) {
		for i := from; i < from+n; i++ {
			fmt.Fprintf(s, "\r\n\x1b[3%dmline %d of the log\x1b[m with some text after it", i%8, i)
		}
	}
	for _, tc := range []struct {
		name  string
		then  func(s *Screen)
		limit int
	}{
		{"a key echoed", func(s *Screen) { s.Write([]byte("x")) }, 40},
		{"three lines scrolled", func(s *Screen) { fill(s, 100, 3) }, 300},
		{"nothing", func(*Screen) {}, 40},
		{"a status row", func(s *Screen) { s.Write([]byte("\x1b7\x1b[24;1H\x1b[7m 12:01 \x1b[m\x1b8")) }, 80},
		{"a cursor saved", func(s *Screen) { s.Write([]byte("\x1b[5;5H\x1b7")) }, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(80, 24, Options{})
			fill(s, 0, 30)
			model, term := partnerOf(s)
			tc.then(s)
			upd := s.AppendUpdate(nil, model)
			term.Write(upd)
			if d := stateDiff(s, term); d != "" {
				t.Fatalf("the terminal differs:\n%s\nupdate: %q", d, upd)
			}
			if len(upd) > tc.limit || isRepaint(upd) {
				t.Errorf("update of %d bytes (a repaint is %d), want at most %d: %q", len(upd), len(s.Repaint()), tc.limit, upd)
			}
		})
	}
}

// TestUpdateFallsBack: what an update cannot express is a repaint, and still right.
func TestUpdateFallsBack(t *testing.T) {
	for _, tc := range []struct{ name, then string }{
		{"alternate screen", "\x1b[?1049hvim"},
		{"modes", "\x1b[?1h\x1b[?2004h"},
		{"scroll region", "\x1b[2;10r"},
		{"tab stops", "\x1b[3g"},
		{"tab stops back to the default", "\x1bc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(40, 12, Options{})
			s.Write([]byte("some text\r\nmore"))
			if tc.name == "tab stops back to the default" {
				s.Write([]byte("\x1b[3g\x1b[5G\x1bH"))
			}
			model, term := partnerOf(s)
			s.Write([]byte(tc.then))
			upd := s.AppendUpdate(nil, model)
			term.Write(upd)
			if !isRepaint(upd) {
				t.Errorf("not a repaint: %q", upd)
			}
			if d := stateDiff(s, term); d != "" {
				t.Fatalf("the terminal differs:\n%s", d)
			}
		})
	}
	// Another size: the model follows.
	s := New(40, 12, Options{})
	model, _ := partnerOf(s)
	s.Resize(30, 10)
	s.AppendUpdate(nil, model)
	if c, r := model.Size(); c != 30 || r != 10 {
		t.Errorf("model is %dx%d after a resize to 30x10", c, r)
	}
	if d := stateDiff(s, model); d != "" {
		t.Fatal(d)
	}
}

// FuzzUpdate: from any state to any other, the update is right.
func FuzzUpdate(f *testing.F) {
	f.Add([]byte("hello\r\nworld"), []byte("\x1b[2J\x1b[Hx"), uint8(20), uint8(6))
	f.Add([]byte(strings.Repeat("0123456789", 10)), []byte("\r\n\r\nabc"), uint8(10), uint8(5))
	f.Fuzz(func(t *testing.T, before, after []byte, w, h uint8) {
		s := New(1+int(w%60), 1+int(h%30), Options{})
		s.Write(before)
		model, term := partnerOf(s)
		s.Write(after)
		upd := s.AppendUpdate(nil, model)
		term.Write(upd)
		if d := stateDiff(s, term); d != "" {
			t.Fatalf("the terminal differs:\n%s\nupdate %q", d, upd)
		}
	})
}
