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
	}{{"primary", a.prim.lines, b.prim.lines}, {"alternate", a.alt.lines, b.alt.lines}}
	for _, bf := range bufs {
		for y := range bf.la {
			if bf.la[y].attr != bf.lb[y].attr {
				add("%s row %d size %d vs %d", bf.name, y, bf.la[y].attr, bf.lb[y].attr)
			}
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
	if a.top != b.top || a.bottom != b.bottom || a.left != b.left || a.right != b.right {
		add("scroll region and margins %d-%d %d-%d vs %d-%d %d-%d", a.top, a.bottom, a.left, a.right, b.top, b.bottom, b.left, b.right)
	}
	// A repaint leaves DEC protection in force; only RIS turns it off (see Repaint).
	if a.protect.iso() != b.protect.iso() || a.level != b.level || a.rectExtent != b.rectExtent {
		add("protection %d level %d rectangle extent %v vs %d %d %v", a.protect, a.level, a.rectExtent, b.protect, b.level, b.rectExtent)
	}
	// Modes another program saved stay in the terminal's XTSAVE memory (nothing but RIS
	// forgets them); those a saved must be there.
	for m, v := range a.savedModes {
		if w, ok := b.savedModes[m]; !ok || w != v {
			add("XTSAVE modes %v vs %v", a.savedModes, b.savedModes)
			break
		}
	}
	if a.colors.set != b.colors.set {
		add("colours set differ")
	}
	for i, set := range a.colors.set {
		if set && a.colors.value[i] != b.colors.value[i] {
			add("colour %d: %06x vs %06x", i, uint32(a.colors.value[i]), uint32(b.colors.value[i]))
		}
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
	// What DECRC restores: nothing saved restores home and the default pen.
	restored := func(sv savedCursor) savedCursor {
		if !sv.valid {
			return savedCursor{cursor: cursor{charsets: [4]byte{'B', 'B', 'B', 'B'}}}
		}
		return sv
	}
	for i, p := range []struct{ a, b savedCursor }{{a.prim.saved, b.prim.saved}, {a.alt.saved, b.alt.saved}} {
		p.a, p.b = restored(p.a), restored(p.b)
		if p.a.cursor.x != p.b.cursor.x || p.a.cursor.y != p.b.cursor.y ||
			p.a.cursor.pen != p.b.cursor.pen || p.a.origin != p.b.origin || p.a.cursor.charsets != p.b.cursor.charsets {
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

// roundTrip feeds a's repaint to a fresh screen of the same size, and to screens that
// showed something else before (dirtyTerminals), and reports differences.
func roundTrip(t *testing.T, a *Screen) {
	t.Helper()
	roundTripOver(t, a, dirtyTerminals)
}

// roundTripOver is roundTrip over the dirty terminals given.
func roundTripOver(t *testing.T, a *Screen, dirty []dirtyTerminal) {
	t.Helper()
	cols, rows := a.Size()
	b := New(cols, rows, Options{})
	rep := a.Repaint()
	b.Write(rep)
	if d := stateDiff(a, b); d != "" {
		t.Fatalf("repaint does not reproduce the screen:\n%s\nrepaint: %q", d, rep)
	}
	// A repaint over a screen that already shows something must give the same result.
	for _, dirt := range dirty {
		c := New(cols, rows, Options{})
		c.Write([]byte(dirt.stream))
		c.Write(rep)
		if d := stateDiff(a, c); d != "" {
			t.Fatalf("repaint over a terminal that showed %s does not reproduce the screen:\n%s\nrepaint: %q", dirt.name, d, rep)
		}
	}
}

type dirtyTerminal struct{ name, stream string }

// dirtyTerminals are what a partner's terminal may show before a repaint (a reconnect, a
// late join in a terminal that ran something else): state a repaint must undo.
var dirtyTerminals = []dirtyTerminal{
	{"a full-screen program", "\x1b[?1049h\x1b[5;10r\x1b[?1h\x1b[4h\x1b[31mjunk\x1b(0qqq\x0e"},
	{"its own tab stops", "\x1b[3g\x1b[3G\x1bH\x1b[12G\x1bH\x1b[1G"},
	{"a protected pen saved by the alternate screen", "\x1b[1\"q\x1b[?1049hP\x1b[0\"q"},
	{"a protected pen", "\x1b[1\"qPROT"},
	{"ISO protection", "\x1bVPROT\x1bWx\x1b[2;3HPP"},
	{"another conformance level", "\x1b[62;1\"p"},
	{"a VT100 level and protection", "\x1b[61;1\"p\x1b[1\"qAB\x1b7"},
	{"double-width lines", "\x1b#6wide\r\n\x1b#3top\r\n\x1b#4bot"},
	{"a saved cursor", "\x1b[2;2H\x1b[1;31m\x1b(0\x1b7\x1b[m\x1b(B\x1b[H"},
	{"margins and origin", "\x1b[?69h\x1b[2;5s\x1b[2;3r\x1b[?6h\x1b[?7l\x1b[?45h"},
	{"XTSAVE", "\x1b[?1;7;1000s\x1b[?1h"},
	{"a changed palette", "\x1b]4;1;rgb:12/34/56\x07\x1b]10;#fff\x07"},
	{"a single shift waiting", "\x1b*0\x1bN"},
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
		{"margins", 20, 6, "\x1b[?69h\x1b[3;12s\x1b[2;5r\x1b[?6h\x1b[2;3Hx"},
		{"margins pending wrap", 20, 6, "\x1b[?69h\x1b[3;12s\x1b[2;3H" + strings.Repeat("m", 10)},
		{"declrmm without margins", 20, 4, "\x1b[?69h"},
		{"protected cells", 20, 4, "ab\x1b[1\"qPROT\x1b[0\"qcd\x1b[1\"q"},
		{"iso protection", 20, 4, "ab\x1bVPROT\x1bWcd"},
		{"iso protection pen", 20, 4, "ab\x1bVPROT"},
		{"dec protection mode only", 20, 4, "\x1b[0\"q"},
		{"selective erase leaves spaces", 20, 4, "\x1b[1\"qP\x1b[0\"q\x1b[1;4mabc\x1b[m\x1b[?2J"},
		{"double-width lines", 20, 5, "\x1b#6wide\r\n\x1b#3top\r\n\x1b#4bot\r\nnormal"},
		{"double-width keeps the right half", 20, 3, strings.Repeat("r", 20) + "\x1b[1;1H\x1b#6"},
		{"double-width pending wrap", 20, 3, "\x1b#6" + strings.Repeat("w", 10)},
		{"double-width wrapped", 20, 3, "\x1b#6" + strings.Repeat("w", 13)},
		{"double-width on a wide character waiting to wrap", 8, 2, "abc中abc\x1b#3"},
		{"double-width on a wide character in the last column", 2, 3, "中\x1b#6"},
		{"insert on a double-width row across a wide character", 3, 5, "\x1b[2;1H\x1b#3ab中\x1b[2;1H\x1b[@"},
		{"insert across a wide character at the right margin", 10, 3, "abcd中\x1b[?69h\x1b[1;5s\x1b[1;1H\x1b[@"},
		{"palette", 10, 3, "\x1b]4;1;rgb:12/34/56\x07\x1b]4;255;#fff\x07\x1b]10;rgb:1/2/3\x07\x1b]11;#000\x07\x1b]12;#f00\x07\x1b]19;#0f0\x07"},
		{"alternate screen kept", 10, 4, "main\x1b[?47halt\x1b[?47l"},
		{"alternate saved cursor kept", 10, 4, "\x1b[?47h\x1b[2;3H\x1b7\x1b[?47l"},
		{"locking shifts", 10, 3, "\x1b*0\x1b+0\x1bnq\x1boq"},
		{"single shift pending", 10, 3, "\x1b*0\x1bN"},
		{"saved cursor with shift", 10, 3, "\x1b+0\x1bo\x1b7\x0f"},
		{"reverse wrap and curses modes", 10, 3, "\x1b[?45h\x1b[?1045h\x1b[?41h"},
		{"rectangle extent", 10, 3, "\x1b[2*x"},
		{"xtsave", 10, 3, "\x1b[?1h\x1b[?7l\x1b[?1000h\x1b[?1;7;1000;2004;6;69s\x1b[?1l\x1b[?7h"},
		{"conformance level", 10, 3, "\x1b[62;1\"p"},
		{"one by one", 1, 1, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := New(tc.w, tc.h, Options{})
			a.Write([]byte(tc.stream))
			if err := checkInvariants(a); err != nil {
				t.Fatal(err)
			}
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
	// Margins, rectangles, protection, line sizes, shifts, colours, reports.
	"\x1b[?69h", "\x1b[?69l", "\x1b[3;7s", "\x1b[2;5s", "\x1b[s", "\x1b[2'}", "\x1b['~", "\x1b6", "\x1b9",
	"\x1b[?45h", "\x1b[?45l", "\x1b[?1045h", "\x1b[?41h", "\x1b[1\"q", "\x1b[0\"q", "\x1bV", "\x1bW",
	"\x1b[?J", "\x1b[?1K", "\x1b[?2K", "\x1b[88;1;2;3;6$x", "\x1b[2;2;4;8$z", "\x1b[1;1;9;9${",
	"\x1b[1;1;3;5;1;2;4;1$v", "\x1b[1;2;3;9;1;7$r", "\x1b[2;1;4;4;4$t", "\x1b[2*x", "\x1b[*x",
	"\x1b#3", "\x1b#4", "\x1b#5", "\x1b#6", "\x1bN", "\x1bO", "\x1bn", "\x1bo", "\x1b*0", "\x1b+0",
	"\x1b]4;1;rgb:12/34/56\x07", "\x1b]11;#102030\x1b\\", "\x1b]104;1\x07", "\x1b]110\x07", "\x1b]10;?\x07",
	"\x1b[?1;7;45s", "\x1b[?1;7;45r", "\x1b[62;1\"p", "\x1b[64;1\"p", "\x1b[?5W", "\x1b[2W", "\x1b[5W",
	"\x1bP$qm\x1b\\", "\x1b[?6n", "\x1b[1;1;1;1;4;4*y", "\x1b[?2026$p", "\x1b[1$w", "\x1b[2$w",
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
	for i := range 3000 {
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
			if err := checkInvariants(a); err != nil {
				t.Fatal(err)
			}
			// One used terminal per case: all of them for every case are the table's.
			roundTripOver(t, a, dirtyTerminals[i%len(dirtyTerminals):][:1])
		})
	}
}

// lineSizeVocabulary is text, wide characters and line sizes, with what moves and edits
// them: where double-width rows and wide characters meet.
var lineSizeVocabulary = []string{
	"\x1b#6", "\x1b#3", "\x1b#4", "\x1b#5", "wwwwwww", "abc", "中", "\r\n", "\x1b[A", "\x1b[2;3H",
	"\x1b[?7l", "\x1b[?7h", "\x1b[K", "\x1b[2J", "\x1bD", "\x1bM", "\x1b[L", "\x1b[M", "\x1b[@",
	"\x1b[P", "\x1b[2X", "\b", "\t", "\x1b[?1049h", "\x1b[?1049l", "\x1b7", "\x1b8", "\x1b[5G",
}

// TestRepaintRoundTripLineSizes replays random streams of line sizes and wide characters
// (random streams of everything seldom make the states where they meet).
func TestRepaintRoundTripLineSizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	for i := range 4000 {
		w, h := 2+rng.IntN(20), 2+rng.IntN(8)
		var stream []byte
		for range 1 + rng.IntN(40) {
			stream = append(stream, lineSizeVocabulary[rng.IntN(len(lineSizeVocabulary))]...)
		}
		a := New(w, h, Options{})
		a.Write(stream)
		if err := checkInvariants(a); err != nil {
			t.Fatalf("case %d: %v\nstream %q", i, err, stream)
		}
		cols, rows := a.Size()
		b := New(cols, rows, Options{})
		b.Write(a.Repaint())
		if d := stateDiff(a, b); d != "" {
			t.Fatalf("case %d (%dx%d): repaint does not reproduce the screen:\n%s\nstream %q", i, w, h, d, stream)
		}
	}
}
