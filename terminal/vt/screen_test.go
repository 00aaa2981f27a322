package vt

import (
	"fmt"
	"testing"
)

// screenCase feeds in to a fresh Screen and checks the text of the first rows, the cursor
// and anything else check looks at. These pin the fixes the tmux differential tests led
// to, and the xterm behaviour of the cases where tmux is not the oracle.
type screenCase struct {
	name       string
	cols, rows int // 0 means 10 x 4
	in         string
	want       []string // the first len(want) rows, trailing blanks trimmed
	x, y       int
	wrapnext   bool
	check      func(s *Screen) string // "" when fine
}

func runScreenCases(t *testing.T, cases []screenCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cols, rows := c.cols, c.rows
			if cols == 0 {
				cols, rows = 10, 4
			}
			s := New(cols, rows, Options{})
			s.Write([]byte(c.in))
			for y, w := range c.want {
				if got := s.LineText(y); got != w {
					t.Errorf("row %d = %q, want %q", y, got, w)
				}
			}
			if s.x != c.x || s.y != c.y || s.wrapnext != c.wrapnext {
				t.Errorf("cursor = (%d,%d) pending wrap %v, want (%d,%d) %v", s.x, s.y, s.wrapnext, c.x, c.y, c.wrapnext)
			}
			if c.check != nil {
				if msg := c.check(s); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

// cellIs checks the text and style of the cell at x, y.
func cellIs(x, y int, text string, st Style) func(*Screen) string {
	return func(s *Screen) string {
		if c := s.CellAt(x, y); c.String() != text || c.Style() != st {
			return fmt.Sprintf("cell (%d,%d) = %s, want %q %s", x, y, cellKey(c), text, styleString(st))
		}
		return ""
	}
}

// TestREP: REP repeats the last printed character (before charset translation) wherever
// the cursor went since, and wraps like printed text, as in xterm.
func TestREP(t *testing.T) {
	runScreenCases(t, []screenCase{
		{name: "simple", in: "a\x1b[3b", want: []string{"aaaa"}, x: 4},
		{name: "after-cursor-move", in: "ab\x1b[D\x1b[2b", want: []string{"abb"}, x: 3},
		{name: "after-sgr", in: "a\x1b[1m\x1b[2b", want: []string{"aaa"}, x: 3,
			check: cellIs(2, 0, "a", Style{Attr: Bold})},
		{name: "after-lf", in: "ab\n\x1b[2b", want: []string{"ab", "  bb"}, x: 4, y: 1},
		{name: "wraps", cols: 5, rows: 3, in: "\x1b[4Ga\x1b[3b", want: []string{"   aa", "aa"}, x: 2, y: 1},
		{name: "wide", in: "中\x1b[2b", want: []string{"中中中"}, x: 6},
		{name: "line-drawing", in: "\x1b(0q\x1b[2b", want: []string{"───"}, x: 3},
		{name: "charset-changed", in: "\x1b(0q\x1b(B\x1b[2b", want: []string{"─qq"}, x: 3},
		{name: "nothing-printed", in: "\x1b[3bX", want: []string{"X"}, x: 1},
		{name: "combining-not-repeated", in: "e\u0301\x1b[b", want: []string{"e\u0301e"}, x: 2},
	})
}

// TestUnicodeEdges: joiners, C1 controls, noncharacters and marks on erased cells.
func TestUnicodeEdges(t *testing.T) {
	family := "\U0001F468\u200d\U0001F469\u200d\U0001F467"
	runScreenCases(t, []screenCase{
		{name: "zwj-sequence-one-cell", in: family + "x", want: []string{family + "x"}, x: 3,
			check: func(s *Screen) string {
				if c := s.CellAt(0, 0); c.String() != family || c.Width() != 2 {
					return "first cell = " + cellKey(c) + ", want the whole family, wide"
				}
				return ""
			}},
		{name: "zwj-then-ascii-dropped", in: "a\u200dx", want: []string{"ax"}, x: 2},
		{name: "zwj-at-start-prints", in: "\u200d\U0001F600x", want: []string{"\U0001F600x"}, x: 3},
		{name: "zwj-broken-by-control", in: "\U0001F468\u200d\r\U0001F469", want: []string{"\U0001F469"}, x: 2},
		{name: "c1-from-utf8-dropped", in: "a\u009b\u0085b", want: []string{"ab"}, x: 2},
		{name: "noncharacters-dropped", in: "a\ufdd0\uffff\U0010fffeb", want: []string{"ab"}, x: 2},
		{name: "hangul-jamo-one-cell", in: "\u1100\u1161\u11a8x", want: []string{"\u1100\u1161\u11a8x"}, x: 3},
		{name: "line-separator-dropped", in: "a\u2028\u2029b", want: []string{"ab"}, x: 2},
		{name: "mark-on-erased-cell", in: "ab\x1b[5G\u0301", want: []string{"ab  \u0301"}, x: 4},
		{name: "mark-at-line-start-dropped", in: "\u0301x", want: []string{"x"}, x: 1},
	})
}

// TestColoursOutOfRange: an indexed colour over 255 or an RGB component over 255 is
// ignored, not clamped, and the parameters after it still apply.
func TestColoursOutOfRange(t *testing.T) {
	runScreenCases(t, []screenCase{
		{name: "indexed", in: "\x1b[31m\x1b[38;5;300;1mX", want: []string{"X"}, x: 1,
			check: cellIs(0, 0, "X", Style{FG: Indexed(1), Attr: Bold})},
		{name: "indexed-colon", in: "\x1b[48:5:256;4mX", want: []string{"X"}, x: 1,
			check: cellIs(0, 0, "X", Style{Attr: Underline})},
		{name: "rgb", in: "\x1b[38;2;300;0;0;3mX", want: []string{"X"}, x: 1,
			check: cellIs(0, 0, "X", Style{Attr: Italic})},
		{name: "rgb-in-range", in: "\x1b[38;2;255;0;1mX", want: []string{"X"}, x: 1,
			check: cellIs(0, 0, "X", Style{FG: RGB(255, 0, 1)})},
	})
}

// TestModeEdges: mouse encodings and RIS.
func TestModeEdges(t *testing.T) {
	enc := func(want MouseEncoding) func(*Screen) string {
		return func(s *Screen) string {
			if got := s.Modes().MouseEncoding; got != want {
				return "mouse encoding = " + mouseEncodingName(got) + ", want " + mouseEncodingName(want)
			}
			return ""
		}
	}
	runScreenCases(t, []screenCase{
		{name: "reset-other-encoding-keeps", in: "\x1b[?1006h\x1b[?1015l\x1b[?1005l", check: enc(MouseEncodingSGR)},
		{name: "reset-current-encoding", in: "\x1b[?1006h\x1b[?1006l", check: enc(MouseEncodingDefault)},
		{name: "last-set-wins", in: "\x1b[?1006h\x1b[?1005h", check: enc(MouseEncodingUTF8)},
		{name: "ris-keeps-title", in: "\x1b]2;t\x07x\x1bc", want: []string{""},
			check: func(s *Screen) string {
				if s.Title() != "t" {
					return "title = " + s.Title() + ", want t"
				}
				return ""
			}},
	})
}

// TestXtermWhereTmuxDiffers pins vt's behaviour for the differential cases excluded
// because tmux departs from xterm there (see tmuxDiffers in the tmux cases).
func TestXtermWhereTmuxDiffers(t *testing.T) {
	state := func(f func(*Screen) bool, what string) func(*Screen) string {
		return func(s *Screen) string {
			if !f(s) {
				return what
			}
			return ""
		}
	}
	runScreenCases(t, []screenCase{
		// Pending wrap (github.com/mattiase/wraptest has the table for many terminals).
		{name: "bs-from-pending-wrap", in: "0123456789\bY", want: []string{"01234567Y9"}, x: 9},
		{name: "cub-from-pending-wrap", in: "0123456789\x1b[DY", want: []string{"01234567Y9"}, x: 9},
		{name: "lf-clears-pending-wrap", in: "0123456789\nY", want: []string{"0123456789", "         Y"}, x: 9, y: 1, wrapnext: true},
		{name: "el-keeps-pending-wrap", in: "0123456789\x1b[KY", want: []string{"0123456789", "Y"}, x: 1, y: 1},
		{name: "el1-clears-pending-wrap", in: "0123456789\x1b[1KY", want: []string{"         Y", ""}, x: 9, wrapnext: true},
		{name: "ed-clears-pending-wrap", in: "0123456789\x1b[JY", want: []string{"012345678Y", ""}, x: 9, wrapnext: true},
		{name: "ich-clears-pending-wrap", in: "0123456789\x1b[@Y", want: []string{"012345678Y", ""}, x: 9, wrapnext: true},
		{name: "dch-clears-pending-wrap", in: "0123456789\x1b[PY", want: []string{"012345678Y", ""}, x: 9, wrapnext: true},
		{name: "decrc-drops-pending-wrap", in: "0123456789\x1b7\x1b[3;1H\x1b8Y", want: []string{"012345678Y", ""}, x: 9, wrapnext: true},
		{name: "decawm-reset-drops-pending-wrap", in: "0123456789\x1b[?7lY", want: []string{"012345678Y", ""}, x: 9},
		{name: "el-clears-wrapped-mark", in: "0123456789y\x1b[A\x1b[10G\x1b[K9\r\n", want: []string{"0123456789", "y"}, y: 1,
			check: state(func(s *Screen) bool { return !s.LineWrapped(0) }, "row 0 still marked as wrapped")},
		{name: "nowrap-wide-at-edge-dropped", in: "\x1b[?7lxxxxxxxxx中", want: []string{"xxxxxxxxx"}, x: 9},
		// Editing.
		{name: "il-to-left-margin", in: "abc\r\ndef\x1b[1;3H\x1b[L", want: []string{"", "abc", "def"}},
		{name: "dl-to-left-margin", in: "abc\r\ndef\x1b[1;3H\x1b[M", want: []string{"def", ""}},
		{name: "dl-outside-region-ignored", in: "a\r\nb\r\nc\x1b[2;3r\x1b[1H\x1b[M", want: []string{"a", "b", "c"}},
		{name: "ich-rest-of-line", in: "0123456789\x1b[1;4H\x1b[99@", want: []string{"012"}, x: 3},
		{name: "ech-right-half-erases-wide", in: "ab中文\x1b[4G\x1b[X", want: []string{"ab  文"}, x: 3},
		{name: "overwrite-right-half-column-0", in: "中文\x1b[2GX", want: []string{" X文"}, x: 2},
		{name: "decsel", in: "abc\x1b[1;2H\x1b[?K", want: []string{"a"}, x: 1},
		{name: "cht", cols: 20, in: "\x1b[2IX", want: []string{"                X"}, x: 17},
		{name: "hpr", in: "\x1b[2;2H\x1b[3aX", want: []string{"", "    X"}, x: 5, y: 1},
		{name: "vpr", in: "\x1b[1;2H\x1b[2eX", want: []string{"", "", " X"}, x: 2, y: 2},
		// Scroll region, saved cursors, screens.
		{name: "decstbm-homes-to-region-in-origin-mode", in: "\x1b[?6h\x1b[2;3rX", want: []string{"", "X"}, x: 1, y: 1},
		{name: "decsc-per-screen", in: "\x1b[2;2H\x1b7\x1b[?1049h\x1b[4;4H\x1b7\x1b[?1049l\x1b8X", want: []string{"", " X"}, x: 2, y: 1},
		{name: "1048-saves-cursor", in: "\x1b[2;3H\x1b[?1048h\x1b[4;5H\x1b[?1048lX", want: []string{"", "  X"}, x: 3, y: 1},
		{name: "ris-leaves-alt-screen", in: "A\x1b[?1049hB\x1bc", want: []string{""},
			check: state(func(s *Screen) bool { return !s.AltScreen() }, "still on the alternate screen")},
		// Modes and character sets tmux lacks.
		{name: "lnm", in: "\x1b[20hab\ncd", want: []string{"ab", "cd"}, x: 2, y: 1},
		{name: "x10-mouse", in: "\x1b[?9h",
			check: state(func(s *Screen) bool { return s.Modes().Mouse == MouseX10 }, "mouse mode is not X10")},
		{name: "decnkm", in: "\x1b[?66h",
			check: state(func(s *Screen) bool { return s.Modes().AppKeypad }, "keypad is not in application mode")},
		{name: "urxvt-mouse", in: "\x1b[?1015h",
			check: state(func(s *Screen) bool { return s.Modes().MouseEncoding == MouseEncodingURXVT }, "mouse encoding is not urxvt")},
		{name: "uk-charset", in: "\x1b(A#", want: []string{"£"}, x: 1},
		// Strings.
		{name: "can-cancels-osc", in: "\x1b]2;abc\x18X", want: []string{"X"}, x: 1,
			check: state(func(s *Screen) bool { return s.Title() == "" }, "CAN did not cancel the title")},
		{name: "apc-ignored", in: "\x1b_abc\x1b\\X", want: []string{"X"}, x: 1,
			check: state(func(s *Screen) bool { return s.Title() == "" }, "APC set the title")},
		{name: "esc-esc-in-dcs", in: "\x1bPtmux;\x1b\x1b[1m\x1b\\X", want: []string{"X"}, x: 1,
			check: cellIs(0, 0, "X", Style{Attr: Bold})},
	})
}
