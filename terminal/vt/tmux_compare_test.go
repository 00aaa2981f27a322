package vt

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// checkAgainstTmux feeds stream to a tmux pane and to a Screen of cols x rows and fails t
// with every difference between them.
func checkAgainstTmux(t *testing.T, cols, rows int, stream []byte) {
	t.Helper()
	srv := newTmuxServer(t)
	want := srv.feed(cols, rows, stream)
	sc := New(cols, rows, Options{})
	sc.Write(stream)
	if d := diffTmux(sc, want); len(d) > 0 {
		t.Errorf("vt and tmux disagree (%dx%d):\n%s\nvt:\n%s\ntmux:\n%s", cols, rows,
			strings.Join(d, "\n"), framed(sc), framed(want.screen))
		return
	}
	// The same stream in small pieces must come out the same: sequences and characters
	// split across Writes.
	chunked := New(cols, rows, Options{})
	for i, n := 0, 0; i < len(stream); i += n {
		n = min(1+i%7, len(stream)-i)
		chunked.Write(stream[i : i+n])
	}
	if d := diffTmux(chunked, want); len(d) > 0 {
		t.Errorf("written in pieces, vt and tmux disagree (%dx%d):\n%s\nvt:\n%s\ntmux:\n%s", cols, rows,
			strings.Join(d, "\n"), framed(chunked), framed(want.screen))
	}
}

// maxCellDiffs bounds how many differing cells a failure lists.
const maxCellDiffs = 12

// diffTmux lists the differences between sc and what tmux shows.
func diffTmux(sc *Screen, tm tmuxState) []string {
	var d []string
	add := func(format string, a ...any) { d = append(d, fmt.Sprintf(format, a...)) }
	if w, h := tm.vars["pane_width"], tm.vars["pane_height"]; w != strconv.Itoa(sc.cols) || h != strconv.Itoa(sc.rows) {
		return []string{fmt.Sprintf("tmux pane is %sx%s, not %dx%d", w, h, sc.cols, sc.rows)}
	}

	cells := 0
	for y := range sc.rows {
		for x := range sc.cols {
			got, want := sc.cur.lines[y].cells[x], tm.screen.cur.lines[y].cells[x]
			if x == sc.cols-1 && tm.styleUnknown[y] {
				got.st, want.st = Style{}, Style{}
			}
			if cellKey(got) != cellKey(want) {
				if cells < maxCellDiffs {
					add("cell (%d,%d): vt %s, tmux %s", x, y, cellKey(got), cellKey(want))
				}
				cells++
			}
		}
	}
	if cells > maxCellDiffs {
		add("... %d cells differ in all", cells)
	}

	for y := range sc.rows - 1 { // see wrappedRows for the last row
		if got, want := sc.cur.lines[y].wrapped, tm.wrapped[y]; got != want {
			add("row %d continues on the next (autowrap): vt %v, tmux %v", y, got, want)
		}
	}

	// tmux keeps a pending wrap as the cursor one column past the last.
	x := sc.x
	if sc.wrapnext {
		x = sc.cols
	}
	m := sc.modes
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	for _, c := range []struct{ name, got string }{
		{"cursor_x", strconv.Itoa(x)},
		{"cursor_y", strconv.Itoa(sc.y)},
		{"cursor_flag", flag(m.CursorVisible)},
		{"alternate_on", flag(sc.altActive)},
		{"insert_flag", flag(m.Insert)},
		{"keypad_cursor_flag", flag(m.AppCursor)},
		{"keypad_flag", flag(m.AppKeypad)},
		{"wrap_flag", flag(m.Autowrap)},
		{"origin_flag", flag(m.Origin)},
		{"mouse_standard_flag", flag(m.Mouse == MouseNormal)},
		{"mouse_button_flag", flag(m.Mouse == MouseButton)},
		{"mouse_all_flag", flag(m.Mouse == MouseAny)},
		{"mouse_any_flag", flag(m.Mouse != MouseNone)},
		{"mouse encoding", mouseEncodingName(m.MouseEncoding)},
		{"scroll_region_upper", strconv.Itoa(sc.top)},
		{"scroll_region_lower", strconv.Itoa(sc.bottom)},
		{"pane_tabs", tabList(sc.tabs)},
	} {
		want := tm.vars[c.name]
		if c.name == "mouse encoding" {
			want = tmuxMouseEncoding(tm.vars)
		}
		if c.got != want {
			add("%s: vt %s, tmux %s", c.name, c.got, want)
		}
	}
	if sc.title != tm.title {
		add("pane_title: vt %q, tmux %q", sc.title, tm.title)
	}
	return d
}

// tmuxMouseEncoding is the encoding tmux reports mouse events in. tmux keeps 1005 and
// 1006 as two flags and prefers SGR when both are set; xterm (and vt) keep one encoding,
// the last one set, so only the encoding in effect is compared.
func tmuxMouseEncoding(vars map[string]string) string {
	switch {
	case vars["mouse_sgr_flag"] == "1":
		return mouseEncodingName(MouseEncodingSGR)
	case vars["mouse_utf8_flag"] == "1":
		return mouseEncodingName(MouseEncodingUTF8)
	}
	return mouseEncodingName(MouseEncodingDefault)
}

func mouseEncodingName(e MouseEncoding) string {
	switch e {
	case MouseEncodingUTF8:
		return "utf8"
	case MouseEncodingSGR:
		return "sgr"
	case MouseEncodingURXVT:
		return "urxvt"
	}
	return "default"
}

// cellKey describes a cell for comparison. An empty cell and a space are the same (tmux
// captures both as a space, or not at all past the end of a line); hyperlinks are left
// out (tmux 3.3 does not keep them).
func cellKey(c Cell) string {
	text := c.String()
	switch {
	case c.IsWideTail():
		text = "(tail)"
	case text == "":
		text = " "
	}
	st := c.Style()
	st.Link = 0
	s := fmt.Sprintf("%q", text)
	if c.Width() == 2 {
		s += " wide"
	}
	if st != (Style{}) {
		s += " " + styleString(st)
	}
	return s
}

func styleString(st Style) string {
	var parts []string
	names := []string{"bold", "dim", "italic", "underline", "blink", "inverse", "hidden",
		"strike", "overline", "double-underline", "curly-underline"}
	for i, n := range names {
		if st.Attr&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if !st.FG.IsDefault() {
		parts = append(parts, "fg="+colorString(st.FG))
	}
	if !st.BG.IsDefault() {
		parts = append(parts, "bg="+colorString(st.BG))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func colorString(c Color) string {
	if n, ok := c.Index(); ok {
		return strconv.Itoa(int(n))
	}
	r, g, b, _ := c.RGB()
	return fmt.Sprintf("#%02x%02x%02x", r, g, b)
}

func tabList(tabs []bool) string {
	var s []string
	for i, t := range tabs {
		if t {
			s = append(s, strconv.Itoa(i))
		}
	}
	return strings.Join(s, ",")
}

// framed shows a screen's text in a frame, for failure messages.
func framed(sc *Screen) string {
	var b strings.Builder
	border := "+" + strings.Repeat("-", sc.cols) + "+\n"
	b.WriteString(border)
	for y := range sc.rows {
		b.WriteByte('|')
		for _, c := range sc.cur.lines[y].cells {
			switch {
			case c.IsWideTail():
			case c.r == 0:
				b.WriteByte(' ')
			default:
				b.WriteString(c.String())
			}
		}
		b.WriteString("|\n")
	}
	b.WriteString(border)
	return b.String()
}

// TestParseCapture checks the oracle's own reading of capture-pane -e: the codes tmux
// writes must come out as the attributes they stand for, or a vt bug in reading SGR would
// hide on both sides of the comparison.
func TestParseCapture(t *testing.T) {
	for _, c := range []struct {
		capture string
		want    Style
	}{
		{"\x1b[1mX", Style{Attr: Bold}},
		{"\x1b[2mX", Style{Attr: Dim}},
		{"\x1b[3mX", Style{Attr: Italic}},
		{"\x1b[4mX", Style{Attr: Underline}},
		{"\x1b[4:2mX", Style{Attr: DoubleUnderline}},
		{"\x1b[4:3mX", Style{Attr: CurlyUnderline}},
		{"\x1b[5mX", Style{Attr: Blink}},
		{"\x1b[7mX", Style{Attr: Inverse}},
		{"\x1b[8mX", Style{Attr: Hidden}},
		{"\x1b[9mX", Style{Attr: Strike}},
		{"\x1b[5:3mX", Style{Attr: Overline}},
		{"\x1b[1;5:3;9mX", Style{Attr: Bold | Overline | Strike}},
		{"\x1b[31m\x1b[42mX", Style{FG: Indexed(1), BG: Indexed(2)}},
		{"\x1b[97m\x1b[100mX", Style{FG: Indexed(15), BG: Indexed(8)}},
		{"\x1b[38;5;208m\x1b[48;5;17mX", Style{FG: Indexed(208), BG: Indexed(17)}},
		{"\x1b[38;2;1;2;3m\x1b[48;2;4;5;6mX", Style{FG: RGB(1, 2, 3), BG: RGB(4, 5, 6)}},
		{"\x1b[1m\x1b[31mA\x1b[0m\x1b[39m\x1b[49mX", Style{}},
	} {
		sc := parseCapture(4, 1, c.capture+"\n")
		cell := sc.CellAt(strings.Count(c.capture, "A"), 0)
		if cell.String() != "X" || cell.Style() != c.want {
			t.Errorf("capture %q: got %s, want X %s", c.capture, cellKey(cell), styleString(c.want))
		}
	}
	// Line drawing arrives as ASCII between SO and SI.
	sc := parseCapture(4, 1, "\x0eqx\x0fq\n")
	if got := sc.LineText(0); got != "─│q" {
		t.Errorf("line drawing: got %q", got)
	}
}
