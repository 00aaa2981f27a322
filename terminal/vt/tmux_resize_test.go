package vt

import (
	"fmt"
	"strings"
	"testing"
)

// resizeCase is a differential test of a resize: the stream at one size, then each step's
// resize and output, in tmux and in a Screen.
type resizeCase struct {
	name       string
	cols, rows int
	in         string
	steps      []paneResize
	// tmuxDiffers says why tmux is not the oracle for this case (see TestResizeReflow).
	tmuxDiffers string
}

// narrowKeepsRows: tmux keeps a narrowed screen's blank bottom rows and pushes its top
// rows into the scrollback instead (a cursor that lands there goes to the top left, so
// text typed next lands elsewhere); vt gives up blank rows below the cursor first.
const narrowKeepsRows = "tmux pushes screen rows into the scrollback while blank rows are left at the bottom"

func step(cols, rows int, then string) paneResize {
	return paneResize{cols: cols, rows: rows, then: []byte(then)}
}

var numbered = func() string {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "line %02d %s\r\n", i, strings.Repeat("abcdefghij", i%4))
	}
	return b.String() + "$ "
}()

var resizeCases = []resizeCase{
	{name: "widen-pending-wrap", cols: 80, rows: 5, in: "\x1b[79GAB", steps: []paneResize{step(100, 5, "C")}},
	{name: "narrow-and-widen", cols: 20, rows: 5, in: "ABCDEFGHIJ", steps: []paneResize{step(5, 5, ""), step(20, 5, "")}},
	{name: "narrow-and-widen-full", cols: 10, rows: 4, in: "0123456789\r\nabcdefghij\r\nABCDEFGHIJ\r\nxyz",
		steps: []paneResize{step(5, 4, ""), step(10, 4, "")}},
	{name: "narrow-prompt-at-top", cols: 20, rows: 6, in: "ABCDEFGHIJKLMNOPQRST\r\nline2\r\n$ ", steps: []paneResize{step(8, 6, "x")}, tmuxDiffers: narrowKeepsRows},
	{name: "narrow-full-screen", cols: 20, rows: 3, in: "ABCDEFGHIJKLMNOPQRST\r\nline2\r\n$ ", steps: []paneResize{step(8, 3, "x")}},
	{name: "rejoin-wrapped", cols: 10, rows: 4, in: strings.Repeat("x", 25), steps: []paneResize{step(30, 4, "Y")}},
	{name: "cursor-mid-line", cols: 20, rows: 4, in: "hello world, long line\x1b[1;7H", steps: []paneResize{step(7, 4, "Z")}, tmuxDiffers: narrowKeepsRows},
	{name: "cursor-mid-line-full", cols: 20, rows: 2, in: "hello world, long line\x1b[1;7H", steps: []paneResize{step(7, 2, "Z")}},
	{name: "scrollback-reflows", cols: 40, rows: 6, in: numbered, steps: []paneResize{step(15, 6, "")}},
	{name: "scrollback-widens", cols: 15, rows: 6, in: numbered, steps: []paneResize{step(50, 6, "")}},
	{name: "taller-and-narrower", cols: 30, rows: 4, in: numbered, steps: []paneResize{step(12, 9, "")}},
	{name: "colours-kept", cols: 12, rows: 4, in: "\x1b[31mred text \x1b[44mon blue\x1b[0m end", steps: []paneResize{step(6, 4, "")}, tmuxDiffers: narrowKeepsRows},
	{name: "colours-kept-full", cols: 12, rows: 2, in: "\x1b[31mred text \x1b[44mon blue\x1b[0m end", steps: []paneResize{step(6, 2, "")}},
	{name: "wide-characters", cols: 11, rows: 4, in: "中文字符中文字符", steps: []paneResize{step(6, 6, ""), step(9, 6, "x")}},
	{name: "alternate-not-reflowed", cols: 20, rows: 4, in: "main text that wraps around\x1b[?1049h\x1b[Halternate", steps: []paneResize{step(8, 4, ""), step(20, 4, "\x1b[?1049l")}},
}

// TestTmuxResize runs every resize case against tmux, the scrollback's text included.
func TestTmuxResize(t *testing.T) {
	for _, c := range resizeCases {
		t.Run(c.name, func(t *testing.T) {
			if c.tmuxDiffers != "" {
				t.Skip("excluded: " + c.tmuxDiffers)
			}
			t.Parallel()
			srv := newTmuxServer(t)
			want := srv.feedResized(c.cols, c.rows, []byte(c.in), c.steps...)
			sc := New(c.cols, c.rows, Options{})
			sc.Write([]byte(c.in))
			for _, st := range c.steps {
				sc.Resize(st.cols, st.rows)
				sc.Write(st.then)
			}
			d := diffTmux(sc, want)
			// tmux sets the tab stops back to every eighth column on a width change; vt
			// keeps those set and adds the default ones in new columns, as xterm does.
			var kept []string
			for _, l := range d {
				if !strings.HasPrefix(l, "pane_tabs") {
					kept = append(kept, l)
				}
			}
			var hist []string
			for i := range sc.ScrollbackLen() {
				cells, _ := sc.Scrollback(i, nil)
				hist = append(hist, cellsText(cells))
			}
			if got, w := strings.Join(hist, "\n"), strings.Join(want.history, "\n"); got != w {
				kept = append(kept, fmt.Sprintf("scrollback:\nvt:\n%s\ntmux:\n%s", got, w))
			}
			if len(kept) > 0 {
				t.Errorf("vt and tmux disagree:\n%s\nvt:\n%s\ntmux:\n%s", strings.Join(kept, "\n"), framed(sc), framed(want.screen))
			}
		})
	}
}
