package vt

import (
	"fmt"
	"strings"
	"testing"
)

// xtermCase is one xterm differential test: a stream, then queries whose answers are
// compared too.
type xtermCase struct {
	name       string
	cols, rows int // 0 means seqCols x seqRows
	in         string
	queries    []string
	// xtermDiffers says why xterm is not the oracle here (the case is skipped; a unit
	// test pins vt's behaviour).
	xtermDiffers string
}

// checkAgainstXterm feeds c to xterm and to a Screen and fails t with every difference.
func checkAgainstXterm(t *testing.T, c xtermCase) {
	t.Helper()
	cols, rows := c.cols, c.rows
	if cols == 0 {
		cols, rows = seqCols, seqRows
	}
	want := runXterm(t, cols, rows, c.in, c.queries)
	var replies []byte
	sc := New(cols, rows, Options{Reply: func(p []byte) { replies = append(replies, p...) }})
	sc.SetDefaultColors(xtermTestPalette())
	sc.Write([]byte(c.in))
	var d []string
	add := func(format string, a ...any) { d = append(d, fmt.Sprintf(format, a...)) }
	if got := string(replies); got != want.streamReplies {
		add("answers to the stream: vt %q, xterm %q", got, want.streamReplies)
	}
	for i, q := range c.queries {
		replies = replies[:0]
		sc.Write([]byte(q))
		if got := string(replies); got != want.replies[i] {
			add("answer to %q: vt %q, xterm %q", q, got, want.replies[i])
		}
	}
	d = append(d, diffXtermScreen(sc, want)...)
	if len(d) > 0 {
		t.Errorf("vt and xterm disagree (%dx%d):\n%s\nvt:\n%s\nxterm:\n%s", cols, rows,
			strings.Join(d, "\n"), framed(sc), framed(want.screen))
	}
}

// xtermTestPalette is the palette of the xterm the tests run: its default colours, with
// the foreground and background given on its command line.
func xtermTestPalette() Palette {
	p := DefaultPalette()
	return p
}

// diffXtermScreen compares the cells, line sizes and cursor. xterm prints a row only up to
// its last character, so cells past that must only be blank in vt (their background does
// not show); hyperlinks and protection are not printed.
func diffXtermScreen(sc *Screen, want xtermState) []string {
	var d []string
	cells := 0
	for y := range sc.rows {
		wl, gl := want.screen.prim.lines[y], sc.cur.lines[y]
		if wl.attr != gl.attr {
			d = append(d, fmt.Sprintf("row %d size: vt %d, xterm %d", y, gl.attr, wl.attr))
		}
		last := -1
		for x, c := range wl.cells {
			if c.r != 0 {
				last = x
			}
		}
		for x := range sc.cols {
			got, w := gl.cells[x], wl.cells[x]
			if x > last {
				if got.r == 0 || got.r == ' ' || got.IsWideTail() {
					continue
				}
			}
			if cellKey(got) != cellKey(w) {
				if cells < maxCellDiffs {
					d = append(d, fmt.Sprintf("cell (%d,%d): vt %s, xterm %s", x, y, cellKey(got), cellKey(w)))
				}
				cells++
			}
		}
	}
	if cells > maxCellDiffs {
		d = append(d, fmt.Sprintf("... %d cells differ in all", cells))
	}
	x, y := sc.x, sc.y
	if sc.modes.Origin {
		x, y = x-sc.left, y-sc.top
	}
	if x != want.x || y != want.y {
		d = append(d, fmt.Sprintf("cursor (as CPR reports it): vt (%d,%d), xterm (%d,%d)", x, y, want.x, want.y))
	}
	return d
}

// TestXterm runs every xterm case.
func TestXterm(t *testing.T) {
	var all []xtermCase
	for _, g := range [][]xtermCase{xtermMarginCases, xtermReportCases, xtermRectCases, xtermScreenCases} {
		all = append(all, g...)
	}
	seen := make(map[string]bool)
	for _, c := range all {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			if c.xtermDiffers != "" {
				t.Skip("excluded: " + c.xtermDiffers)
			}
			t.Parallel()
			checkAgainstXterm(t, c)
		})
	}
}

// TestXtermOracleWhereTmuxDiffers runs the tmux cases tmux is not the oracle for against xterm,
// but for those where vt follows tmux or DEC on purpose (xtermAlso says why).
func TestXtermOracleWhereTmuxDiffers(t *testing.T) {
	for _, g := range [][]seqCase{cursorCases, wrapCases, tabCases, scrollCases, editCases,
		modeCases, altCases, sgrCases, charCases, parserCases} {
		for _, c := range g {
			if c.tmuxDiffers == "" {
				continue
			}
			t.Run(c.name, func(t *testing.T) {
				if why := xtermAlso[c.name]; why != "" {
					t.Skip("excluded: " + why)
				}
				t.Parallel()
				checkAgainstXterm(t, xtermCase{name: c.name, cols: c.cols, rows: c.rows, in: c.in})
			})
		}
	}
}

// xtermAlso lists the tmux-excluded cases where xterm is not the oracle either.
var xtermAlso = map[string]string{
	"rep-after-move":      xtermREP,
	"rep-after-sgr":       xtermREP,
	"rep-after-lf":        xtermREP,
	"ich-pushes-wide-off": "xterm 379 keeps a wide character ICH pushes half off the edge; vt erases it",
	"utf8-too-big":        xtermUTF8,
	"utf8-overlong":       xtermUTF8,
	"utf8-surrogate":      xtermUTF8,
	"utf8-truncated":      xtermUTF8,
	"uk-charset":          "xterm 379 without NRCS mode reads ESC ( A as Latin-1's upper half (a becomes á); vt reads it as the UK set, as the VT100 did",
	"sgr-rgb-missing":     "xterm 379 fills a missing component of a malformed 24-bit colour from memory; vt ignores the colour",
}

const (
	xtermREP  = "xterm 379 forgets the character REP repeats after any control; vt repeats the last one printed (ECMA-48's preceding graphic character)"
	xtermUTF8 = "xterm 379 gives a malformed UTF-8 sequence a different number of U+FFFD than vt, which gives one for each byte that cannot go on (as Go's decoder)"
)
