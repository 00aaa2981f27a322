package vt

import (
	"fmt"
	"strings"
	"testing"
)

// seqCase is one differential test: a byte stream fed to tmux and to a Screen.
type seqCase struct {
	name       string
	cols, rows int // 0 means seqCols x seqRows
	in         string
	// tmuxDiffers, when set, says why tmux is not the oracle for this case: it departs
	// from xterm there (the case is skipped; a unit test pins vt's xterm behaviour).
	tmuxDiffers string
}

// Reasons for excluded cases.
const (
	// tmux keeps a pending wrap as the cursor one column past the last, which only an
	// explicit cursor move takes back; in xterm (and DEC STD 070, VTE, the Linux console:
	// see github.com/mattiase/wraptest) LF, ED, EL 1, ICH and DCH clear the pending wrap,
	// and BS and CUB move left from the last column, not from one past it. (EL 0 is the
	// exception vt follows tmux in: see eraseInLine.)
	pendingWrapModel = "tmux keeps a pending wrap as the cursor one column past the edge"
	// tmux lets a character overwrite or shift away one half of a wide character and
	// keeps the other; capture-pane cannot show such a half, and xterm erases the whole
	// character.
	wideHalves      = "tmux leaves half a wide character, which capture-pane cannot show"
	notInTmux       = "tmux 3.3a does not implement this sequence; xterm does"
	malformedUTF8   = "tmux drops malformed UTF-8; xterm (and the issue) show U+FFFD"
	tmuxREP         = "tmux's REP forgets the character after any control and never wraps; xterm repeats the last printed character and wraps"
	malformedColour = "malformed colour: tmux reads the unused values as attributes"
)

// Most cases use a small screen so a failure shows all of it.
const seqCols, seqRows = 20, 8

// filled paints every row of a seqCols x seqRows screen with its own text, so that
// moving and erasing show.
var filled = fill(seqCols, seqRows)

func fill(cols, rows int) string {
	var b strings.Builder
	for y := range rows {
		fmt.Fprintf(&b, "\x1b[%dH%c", y+1, 'A'+y%26)
		for x := 1; x < cols; x++ {
			b.WriteByte("0123456789"[x%10])
		}
	}
	b.WriteString("\x1b[H")
	return b.String()
}

// TestTmuxSequences runs every escape sequence case against tmux.
func TestTmuxSequences(t *testing.T) {
	var all []seqCase
	for _, g := range [][]seqCase{cursorCases, wrapCases, tabCases, scrollCases, editCases,
		modeCases, altCases, sgrCases, charCases, parserCases} {
		all = append(all, g...)
	}
	seen := make(map[string]bool)
	for _, c := range all {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			if c.tmuxDiffers != "" {
				t.Skip("excluded: " + c.tmuxDiffers)
			}
			t.Parallel()
			cols, rows := c.cols, c.rows
			if cols == 0 {
				cols, rows = seqCols, seqRows
			}
			checkAgainstTmux(t, cols, rows, []byte(c.in))
		})
	}
}

var cursorCases = []seqCase{
	// CUD stops at the region's bottom from above the region too, CUU at its top from
	// below it (xterm and tmux; a status line below the session relies on it).
	{name: "cud-above-region", in: "\x1b[3;6r\x1b[1;1H\x1b[20BX"},
	{name: "cuu-below-region", in: "\x1b[3;6r\x1b[8;1H\x1b[20AX"},
	{name: "cup", in: "\x1b[3;5HX"},
	{name: "cup-home", in: "abc\x1b[HX"},
	{name: "cup-f", in: "\x1b[2;3fX"},
	{name: "cup-clamped", in: "\x1b[99;99HX"},
	{name: "cup-zero", in: "\x1b[0;0HX"},
	{name: "cup-row-only", in: "\x1b[4HX"},
	{name: "cup-col-only", in: "\x1b[;7HX"},
	{name: "cuu", in: "\x1b[5;5H\x1b[2AX"},
	{name: "cuu-clamped", in: "\x1b[3;5H\x1b[9AX"},
	{name: "cuu-zero-is-one", in: "\x1b[3;5H\x1b[0AX"},
	{name: "cud", in: "\x1b[2;2H\x1b[3BX"},
	{name: "cud-clamped", in: "\x1b[2;2H\x1b[99BX"},
	{name: "cuf", in: "\x1b[2;2H\x1b[4CX"},
	{name: "cuf-clamped", in: "\x1b[2;2H\x1b[99CX"},
	{name: "cub", in: "\x1b[2;9H\x1b[4DX"},
	{name: "cub-clamped", in: "\x1b[2;9H\x1b[99DX"},
	{name: "cnl", in: "\x1b[2;5H\x1b[2EX"},
	{name: "cpl", in: "\x1b[5;5H\x1b[2FX"},
	{name: "cha", in: "abc\x1b[7GX"},
	{name: "cha-clamped", in: "\x1b[99GX"},
	{name: "hpa", in: "\x1b[2;2H\x1b[9`X"},
	{name: "hpr", in: "\x1b[2;2H\x1b[3aX", tmuxDiffers: notInTmux},
	{name: "vpa", in: "\x1b[2;6H\x1b[5dX"},
	{name: "vpa-clamped", in: "\x1b[2;6H\x1b[99dX"},
	{name: "vpr", in: "\x1b[2;6H\x1b[2eX", tmuxDiffers: notInTmux},
	{name: "bs", in: "abcd\b\bX"},
	{name: "bs-at-left", in: "\b\bX"},
	{name: "cr", in: "abcd\rX"},
	{name: "lf-keeps-column", in: "ab\ncd\ne"},
	{name: "vt-ff-are-lf", in: "ab\x0bcd\x0cef"},
	{name: "nel", in: "ab\x1bEcd"},
	{name: "ind", in: "ab\x1bDcd"},
	{name: "ri", in: "\x1b[4;4Hab\x1bMcd"},
	{name: "ri-at-top-scrolls", in: filled + "\x1bMX"},
	{name: "ind-at-bottom-scrolls", in: filled + "\x1b[8;3H\x1bDX"},
	{name: "decsc-decrc", in: "\x1b[2;3H\x1b[1;31m\x1b7\x1b[5;5H\x1b[0mX\x1b8Y"},
	{name: "scosc-scorc", in: "\x1b[2;3H\x1b[4m\x1b[s\x1b[5;5H\x1b[0mX\x1b[uY"},
	{name: "decrc-unsaved", in: "\x1b[3;3H\x1b[1mX\x1b8Y"},
	{name: "decsc-charset", in: "\x1b(0\x1b7\x1b(Bq\x1b8q"},
	{name: "decsc-origin", in: "\x1b[3;6r\x1b[?6h\x1b7\x1b[?6l\x1b[H\x1b8\x1b[HX"},
	{name: "decsc-twice", in: "\x1b[2;2H\x1b7\x1b[3;3H\x1b7\x1b[H\x1b8X"},
	{name: "decrc-pending-wrap", in: "\x1b[2;1H" + strings.Repeat("w", seqCols) + "\x1b7\x1b[HX\x1b8Y"},
	{name: "cursor-hidden", in: "\x1b[?25lX"},
	{name: "cursor-shown-again", in: "\x1b[?25l\x1b[?25hX"},
}

var wrapCases = []seqCase{
	{name: "wrap-exact-width", in: strings.Repeat("x", seqCols)},
	{name: "wrap-next-char", in: strings.Repeat("x", seqCols) + "Y"},
	{name: "wrap-cr", in: strings.Repeat("x", seqCols) + "\rY"},
	{name: "wrap-lf", in: strings.Repeat("x", seqCols) + "\nY", tmuxDiffers: pendingWrapModel},
	{name: "wrap-cub", in: strings.Repeat("x", seqCols) + "\x1b[DY", tmuxDiffers: pendingWrapModel},
	{name: "wrap-bs", in: strings.Repeat("x", seqCols) + "\bY", tmuxDiffers: pendingWrapModel},
	{name: "wrap-cuf", in: strings.Repeat("x", seqCols) + "\x1b[CY"},
	{name: "wrap-cuu", in: "\x1b[3H" + strings.Repeat("x", seqCols) + "\x1b[AY"},
	{name: "wrap-el", in: strings.Repeat("x", seqCols) + "\x1b[KY"},
	{name: "wrap-el-at-last-column", in: strings.Repeat("x", seqCols) + "y\x1b[A\x1b[20G\x1b[Kx\r\n", tmuxDiffers: "tmux keeps a row marked as wrapped when EL erases its end; xterm clears the mark (the row no longer reaches the edge)"},
	{name: "wrap-el1", in: strings.Repeat("x", seqCols) + "\x1b[1KY", tmuxDiffers: pendingWrapModel},
	{name: "wrap-ed", in: strings.Repeat("x", seqCols) + "\x1b[JY", tmuxDiffers: pendingWrapModel},
	{name: "wrap-el-colour", in: "\x1b[7m" + strings.Repeat("x", seqCols) + "\x1b[m\x1b[K\r\n"},
	{name: "wrap-long-line", in: strings.Repeat("0123456789", 5)},
	{name: "wrap-scrolls-at-bottom", in: "\x1b[8H" + strings.Repeat("z", seqCols+3)},
	{name: "wrap-utf8", in: strings.Repeat("é", seqCols+2)},
	{name: "wrap-wide-at-last-column", in: strings.Repeat("x", seqCols-1) + "中"},
	{name: "wrap-wide-exact", in: strings.Repeat("中", seqCols/2) + "Y"},
	{name: "nowrap-overwrites-last", in: "\x1b[?7l" + strings.Repeat("x", seqCols) + "YZ"},
	{name: "nowrap-wide-at-edge", in: "\x1b[?7l" + strings.Repeat("x", seqCols-1) + "中"},
	{name: "nowrap-then-wrap", in: "\x1b[?7l\x1b[?7h" + strings.Repeat("x", seqCols+1)},
	{name: "nowrap-with-pending-wrap", in: strings.Repeat("x", seqCols) + "\x1b[?7lY", tmuxDiffers: pendingWrapModel},
	{name: "wrap-insert-mode", in: "\x1b[4h" + strings.Repeat("x", seqCols) + "Y"},
	{name: "wrap-then-tab", in: strings.Repeat("x", seqCols) + "\tY"},
}

var tabCases = []seqCase{
	{name: "tab", in: "a\tb\tc"},
	{name: "tab-to-last-column", in: "\t\t\t\tX"},
	{name: "tab-past-end", in: "\t\t\t\t\t\tX"},
	{name: "hts", in: "\x1b[5G\x1bH\r\tX"},
	{name: "tbc-current", in: "\x1b[9G\x1b[g\r\tX"},
	{name: "tbc-all", in: "\x1b[3g\r\tX"},
	{name: "cht", in: "\x1b[2IX", tmuxDiffers: notInTmux},
	{name: "cbt", in: "\x1b[15G\x1b[ZX"},
	{name: "cbt-two", in: "\x1b[19G\x1b[2ZX"},
	{name: "cbt-at-left", in: "\x1b[ZX"},
	{name: "tab-keeps-cells", in: "abcdefghij\r\tX"},
	{name: "tab-stops-wide", cols: 40, rows: 4, in: "\x1b[3g\x1b[4G\x1bH\x1b[13G\x1bH\r\tA\tB\tC"},
}

var scrollCases = []seqCase{
	{name: "decstbm-homes", in: "\x1b[3;5HX\x1b[2;4rY"},
	{name: "decstbm-lf", in: "\x1b[2;4r1\r\n2\r\n3\r\n4\r\n5\r\n6"},
	{name: "decstbm-ind", in: filled + "\x1b[2;4r\x1b[4H\x1bDX"},
	{name: "decstbm-ri", in: filled + "\x1b[2;4r\x1b[2H\x1bMX"},
	{name: "decstbm-lf-below", in: filled + "\x1b[2;4r\x1b[8H\nX"},
	{name: "decstbm-ri-above", in: filled + "\x1b[3;5r\x1b[1H\x1bMX"},
	{name: "decstbm-su", in: filled + "\x1b[2;5r\x1b[2S"},
	{name: "decstbm-sd", in: filled + "\x1b[2;5r\x1b[2T"},
	{name: "su-full", in: filled + "\x1b[3S"},
	{name: "sd-full", in: filled + "\x1b[3T"},
	{name: "su-too-many", in: filled + "\x1b[99S"},
	{name: "decstbm-invalid", in: "\x1b[4;2r\x1b[3;3HX"},
	{name: "decstbm-one-line", in: "\x1b[3;3r\x1b[3;3HX"},
	{name: "decstbm-reset", in: "\x1b[2;4r\x1b[r\x1b[8H\nX"},
	{name: "decstbm-bottom-only", in: "\x1b[;5r\x1b[5H\nX"},
	{name: "decstbm-too-big", in: "\x1b[2;99r\x1b[8H\nX"},
	{name: "decstbm-cuu-stops", in: "\x1b[3;6r\x1b[5;2H\x1b[9AX"},
	{name: "decstbm-cud-stops", in: "\x1b[3;6r\x1b[4;2H\x1b[9BX"},
	{name: "decstbm-cuu-outside", in: "\x1b[3;6r\x1b[2;2H\x1b[9AX"},
	{name: "decstbm-cud-outside", in: "\x1b[3;6r\x1b[7;2H\x1b[9BX"},
	{name: "scroll-history", in: strings.Repeat("line\r\n", 12) + "end"},
	{name: "scroll-region-no-history", in: "\x1b[1;7r" + strings.Repeat("line\r\n", 12) + "end"},
	{name: "scroll-with-bg", in: filled + "\x1b[8H\x1b[44m\n\n\x1b[0mX"},
	{name: "decstbm-wrap-in-region", in: "\x1b[2;3r\x1b[3H" + strings.Repeat("r", seqCols*2+2)},
	{name: "origin-cup", in: "\x1b[3;6r\x1b[?6h\x1b[2;2HX"},
	{name: "origin-home", in: "\x1b[3;6r\x1b[?6hX"},
	{name: "origin-clamped", in: "\x1b[3;6r\x1b[?6h\x1b[99;1HX"},
	{name: "origin-cuu", in: "\x1b[3;6r\x1b[?6h\x1b[9AX"},
	{name: "origin-vpa", in: "\x1b[3;6r\x1b[?6h\x1b[3dX"},
	{name: "origin-off-homes", in: "\x1b[3;6r\x1b[?6h\x1b[2;2H\x1b[?6lX"},
	{name: "origin-decstbm-homes", in: "\x1b[?6h\x1b[3;6rX", tmuxDiffers: "tmux homes to the screen's top left after DECSTBM; xterm honours origin mode and goes to the region's"},
	{name: "origin-lf-scrolls-region", in: filled + "\x1b[3;6r\x1b[?6h\x1b[4H\nX"},
}
