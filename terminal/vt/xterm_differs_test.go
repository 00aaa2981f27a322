package vt

import (
	"fmt"
	"testing"
)

// TestLineSizes pins vt's double-width and double-height lines where xterm 379 is not
// the oracle (dwlCursor): the cursor stays inside the half of the row that is shown.
func TestLineSizes(t *testing.T) {
	size := func(y int, want LineSize) func(*Screen) string {
		return func(s *Screen) string {
			if got := s.cur.lines[y].attr; got != want {
				return fmt.Sprintf("row %d size %d, want %d", y, got, want)
			}
			return ""
		}
	}
	runScreenCases(t, []screenCase{
		{name: "cursor-clamped", in: "\x1b[1;8H\x1b#6X", want: []string{"    X"}, x: 4, wrapnext: true, check: size(0, LineDoubleWidth)},
		{name: "cup-clamped", in: "\x1b#6\x1b[1;9HX", want: []string{"    X"}, x: 4, wrapnext: true},
		{name: "cuf-clamped", in: "\x1b#6\x1b[9CX", want: []string{"    X"}, x: 4, wrapnext: true},
		{name: "wraps-at-half", in: "\x1b#6abcdefg", want: []string{"abcde", "fg"}, x: 2, y: 1},
		{name: "lf-onto-double-clamps", in: "\x1b[2;1H\x1b#3\x1b[1;9H\nX", want: []string{"", "    X"}, x: 4, y: 1, wrapnext: true},
		{name: "right-half-kept", in: "0123456789\x1b[1;1H\x1b#6\x1b#5", want: []string{"0123456789"}},
		{name: "ed2-makes-single", in: "\x1b#6ab\x1b[2J", x: 2, check: size(0, LineSingle)},
		{name: "el-keeps-size", in: "\x1b#6ab\x1b[2K", x: 2, check: size(0, LineDoubleWidth)},
		{name: "scrolls-with-its-line", in: "\x1b#6top\r\n\n\n\n", want: []string{""}, y: 3, check: size(0, LineSingle)},
	})
}

// TestWhereXtermDiffers pins the answers of the xterm cases excluded on purpose.
func TestWhereXtermDiffers(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"locator", "\x1b[?53n\x1b[?55n", "\x1b[?50n\x1b[?50n"},
		{"newer modes", "\x1b[?1045h\x1b[?1045$p\x1b[?2026$p", "\x1b[?1045;1$y\x1b[?2026;2$y"},
		{"bold colour as set", "\x1b[1;31m\x1bP$qm\x1b\\", "\x1bP1$r0;1;31m\x1b\\"},
		{"da1", "\x1b[c", "\x1b[?62;22c"},
		{"da1 at level 1", "\x1b[61\"p\x1b[c", "\x1b[?1;2c"},
		{"decrara over an unwritten row", "\x1b[1mbb\x1b[m\x1b[2*x\x1b[1;1;3;2;1$t\x1b[1;1;1;1;1;2*y", "\x1bP1!~FF3C\x1b\\"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []byte
			s := New(10, 4, Options{Reply: func(p []byte) { got = append(got, p...) }})
			s.Write([]byte(tc.in))
			if string(got) != tc.want {
				t.Errorf("answers %q, want %q", got, tc.want)
			}
		})
	}
}

// TestWideCharacterPushedOff: ICH erases a wide character it pushes half off the edge
// (xterm 379 keeps it: see xtermAlso).
func TestWideCharacterPushedOff(t *testing.T) {
	runScreenCases(t, []screenCase{
		{name: "ich", in: "xxxxxxxx中\x1b[5G\x1b[@", want: []string{"xxxx xxxx"}, x: 4},
		{name: "ich-margin", in: "\x1b[?69h\x1b[1;6sxxxx中\x1b[1;2H\x1b[@", want: []string{"x xxx"}, x: 1},
	})
}
