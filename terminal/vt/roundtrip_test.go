package vt

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// stateDiff describes how b's visible and hidden state differs from a's, "" when they
// match. Empty cells and spaces compare equal (they draw the same).
func stateDiff(a, b *Screen) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	var d []string
	add := func(format string, args ...any) {
		if len(d) < 8 {
			d = append(d, fmt.Sprintf(format, args...))
		}
	}
	if a.cols != b.cols || a.rows != b.rows {
		return fmt.Sprintf("size %dx%d vs %dx%d", a.cols, a.rows, b.cols, b.rows)
	}
	bufs := []struct {
		name   string
		la, lb []line
	}{{"primary", a.prim.lines, b.prim.lines}}
	if a.altActive {
		bufs = append(bufs, struct {
			name   string
			la, lb []line
		}{"alternate", a.alt.lines, b.alt.lines})
	}
	for _, bf := range bufs {
		for y := range bf.la {
			for x := range bf.la[y].cells {
				ca, cb := norm(bf.la[y].cells[x]), norm(bf.lb[y].cells[x])
				if ca != cb {
					add("%s cell (%d,%d): %q %+v vs %q %+v", bf.name, x, y, ca.String(), ca.st, cb.String(), cb.st)
				}
			}
			// A wrapped last row cannot be reproduced by printing (see repaintLines).
			if y < len(bf.la)-1 && bf.la[y].wrapped != bf.lb[y].wrapped {
				add("%s row %d wrapped %v vs %v", bf.name, y, bf.la[y].wrapped, bf.lb[y].wrapped)
			}
		}
	}
	ca, cb := a.cursor, b.cursor
	ca.pen.Attr &^= cellFlags
	cb.pen.Attr &^= cellFlags
	if ca != cb {
		add("cursor %+v vs %+v", ca, cb)
	}
	if a.altActive != b.altActive {
		add("alternate screen %v vs %v", a.altActive, b.altActive)
	}
	if a.modes != b.modes {
		add("modes %+v vs %+v", a.modes, b.modes)
	}
	if a.top != b.top || a.bottom != b.bottom {
		add("scroll region %d-%d vs %d-%d", a.top, a.bottom, b.top, b.bottom)
	}
	if fmt.Sprint(a.tabs) != fmt.Sprint(b.tabs) {
		add("tab stops differ")
	}
	if _, _, _, ok := a.lastCharSlot(); ok && a.lastChar != b.lastChar {
		add("last printed character %q vs %q", a.lastChar, b.lastChar)
	}
	if a.cursorStyle != b.cursorStyle || a.title != b.title {
		add("cursor style %d vs %d, title %q vs %q", a.cursorStyle, b.cursorStyle, a.title, b.title)
	}
	for i, p := range []struct{ a, b savedCursor }{{a.prim.saved, b.prim.saved}, {a.alt.saved, b.alt.saved}} {
		if i == 1 && !a.altActive {
			continue // the alternate screen's saved cursor is not kept once it is left
		}
		if p.a.valid && (p.a.cursor.x != p.b.cursor.x || p.a.cursor.y != p.b.cursor.y ||
			p.a.cursor.pen != p.b.cursor.pen || p.a.origin != p.b.origin || p.a.cursor.charsets != p.b.cursor.charsets) {
			add("saved cursor %d: %+v vs %+v", i, p.a, p.b)
		}
	}
	return strings.Join(d, "\n")
}

// norm makes cells that draw the same compare equal.
func norm(c Cell) Cell {
	if c.r == 0 {
		c.r = ' '
	}
	if c.st.Attr&attrWideTail != 0 {
		c.r = 0
	}
	return c
}

// roundTrip feeds a's repaint to a fresh screen of the same size and reports differences.
func roundTrip(t *testing.T, a *Screen) {
	t.Helper()
	cols, rows := a.Size()
	b := New(cols, rows, Options{})
	rep := a.Repaint()
	b.Write(rep)
	if d := stateDiff(a, b); d != "" {
		t.Fatalf("repaint does not reproduce the screen:\n%s\nrepaint: %q", d, rep)
	}
	// A repaint over a screen that already shows something must give the same result.
	c := New(cols, rows, Options{})
	c.Write([]byte("\x1b[?1049h\x1b[5;10r\x1b[?1h\x1b[4h\x1b[31mjunk\x1b(0qqq\x0e"))
	c.Write(rep)
	if d := stateDiff(a, c); d != "" {
		t.Fatalf("repaint over a used terminal does not reproduce the screen:\n%s", d)
	}
}

func TestRepaintRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name   string
		w, h   int
		stream string
	}{
		{"empty", 20, 5, ""},
		{"text", 20, 5, "hello\r\nworld"},
		{"colours", 30, 5, "\x1b[1;31mbold red\x1b[0m \x1b[38;5;200mx\x1b[48;2;1;2;3my\x1b[4:3mz\x1b[0m"},
		{"all attributes", 30, 3, "\x1b[1m1\x1b[2m2\x1b[3m3\x1b[4m4\x1b[5m5\x1b[7m7\x1b[8m8\x1b[9m9\x1b[53mo\x1b[21md"},
		{"background erase", 10, 3, "\x1b[44m\x1b[2J\x1b[0mx"},
		{"wrapped lines", 10, 4, "0123456789abcdefghijklmnop"},
		{"wrapped then blank", 10, 4, "0123456789\r\n\x1b[A\x1b[9Cx\x1b[2;1H\x1b[K"},
		{"pending wrap", 10, 3, "0123456789"},
		{"pending wrap on wide", 10, 3, "01234567中"},
		{"wide and combining", 10, 3, "中文e\u0301x🙂"},
		{"dec graphics", 10, 3, "\x1b(0lqqk\x1b(B\r\n\x1b)0\x0exq\x0fa"},
		{"charset left designated", 10, 3, "\x1b(0q"},
		{"scroll region and origin", 10, 6, "\x1b[2;4r\x1b[?6h\x1b[2;3Hx"},
		{"cursor hidden and styled", 10, 3, "\x1b[?25l\x1b[5 q\x1b[?12h"},
		{"modes", 10, 3, "\x1b[?1h\x1b=\x1b[4h\x1b[20h\x1b[?7l\x1b[?2004h\x1b[?1004h\x1b[?1002h\x1b[?1006h\x1b[?5h\x1b[?1007h"},
		{"mouse x10 utf8", 10, 3, "\x1b[?9h\x1b[?1005h"},
		{"mouse any urxvt", 10, 3, "\x1b[?1003h\x1b[?1015h"},
		{"title", 10, 3, "\x1b]2;my title\x07"},
		{"tab stops", 30, 3, "\x1b[3g\x1b[5G\x1bH\x1b[13G\x1bH\x1b[1G\tx"},
		{"saved cursor", 10, 4, "\x1b[3;4H\x1b[1;32m\x1b7\x1b[0m\x1b[H"},
		{"saved cursor with origin", 10, 6, "\x1b[2;5r\x1b[?6h\x1b[2;2H\x1b7\x1b[?6l\x1b[r"},
		{"alternate screen", 10, 4, "shell$ vim\r\n\x1b[?1049h\x1b[H\x1b[2Jvim text\x1b[3;2H"},
		{"alternate with saved", 10, 4, "abc\x1b[2;2H\x1b[?1049h\x1b[Hx\x1b[3;3H\x1b7\x1b[H"},
		{"hyperlink", 20, 3, "a \x1b]8;id=1;http://x.test/\x1b\\link\x1b]8;;\x1b\\ b \x1b]8;;http://y.test/\x07open"},
		{"pen carries link", 20, 3, "\x1b]8;;http://x.test/\x07"},
		{"one by one", 1, 1, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := New(tc.w, tc.h, Options{})
			a.Write([]byte(tc.stream))
			roundTrip(t, a)
		})
	}
}

// vocabulary is what the random streams are built from: text of every width, controls,
// and the escape sequences programs use.
var vocabulary = []string{
	"a", "hello ", "0123456789", "中", "🙂", "e\u0301", "\u0301", "\xff", "\xe4\xb8", "é",
	"\r", "\n", "\r\n", "\b", "\t", "\x1b[Z", "\x0e", "\x0f", "\x1b(0", "\x1b(B", "\x1b)0",
	"\x1b[A", "\x1b[3B", "\x1b[2C", "\x1b[D", "\x1b[E", "\x1b[F", "\x1b[5G", "\x1b[H", "\x1b[3;7H",
	"\x1b[J", "\x1b[1J", "\x1b[2J", "\x1b[K", "\x1b[1K", "\x1b[2K", "\x1b[2L", "\x1b[M", "\x1b[2P",
	"\x1b[3@", "\x1b[2X", "\x1b[S", "\x1b[2T", "\x1b[3d", "\x1b[2b", "\x1bD", "\x1bM", "\x1bE",
	"\x1b7", "\x1b8", "\x1b[s", "\x1b[u", "\x1bH", "\x1b[g", "\x1b[3g",
	"\x1b[2;5r", "\x1b[r", "\x1b[?6h", "\x1b[?6l", "\x1b[?7l", "\x1b[?7h", "\x1b[4h", "\x1b[4l",
	"\x1b[?1049h", "\x1b[?1049l", "\x1b[?47h", "\x1b[?47l", "\x1b[?1047h", "\x1b[?1047l", "\x1b[?1048h", "\x1b[?1048l",
	"\x1b[1;4;31m", "\x1b[0m", "\x1b[m", "\x1b[38;5;123;48;2;9;8;7m", "\x1b[7m", "\x1b[44m", "\x1b[4:3m",
	"\x1b[?25l", "\x1b[?25h", "\x1b[3 q", "\x1b[?1h", "\x1b[?1l", "\x1b=", "\x1b>", "\x1b[?2004h",
	"\x1b[?1000h", "\x1b[?1006h", "\x1b]0;title\x07", "\x1b]8;;http://a.test/\x1b\\", "\x1b]8;;\x07",
	"\x1b[!p", "\x1b#8", "\x1b[20h", "\x1b[20l", "\x1b[", "\x1b", "\x18", "\x1b[?5h",
}

func randomStream(rng *rand.Rand, n int) []byte {
	var b []byte
	for range n {
		b = append(b, vocabulary[rng.IntN(len(vocabulary))]...)
	}
	return b
}

// TestRepaintRoundTripRandom replays random streams of real sequences at several sizes.
func TestRepaintRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 1000 {
		w, h := 1+rng.IntN(30), 1+rng.IntN(10)
		stream := randomStream(rng, 1+rng.IntN(200))
		a := New(w, h, Options{})
		a.Write(stream)
		if t.Failed() {
			return
		}
		t.Run(fmt.Sprintf("%d_%dx%d", i, w, h), func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("stream: %q", stream)
				}
			}()
			roundTrip(t, a)
		})
	}
}
