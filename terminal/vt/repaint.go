package vt

import (
	"strconv"
	"unicode/utf8"
)

// Repaint returns bytes that, written to a terminal of the same size (a fresh one, or one
// that has shown anything before), reproduce the current state: both screens' contents
// and attributes (the primary screen is painted first, so it is right when a full-screen
// program exits), soft-wrapped lines, the cursor (position, pending wrap, shape,
// visibility), the pen, saved cursors, scroll region, tab stops, character sets, title and
// every input mode. Scrollback is not included.
func (s *Screen) Repaint() []byte {
	return s.AppendRepaint(nil)
}

// AppendRepaint appends the repaint to dst and returns it.
func (s *Screen) AppendRepaint(dst []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := repainter{b: dst}
	b := &r
	b.str("\x1b[?1049l\x1b[r\x1b[?6l\x1b[?7h\x1b[4l\x1b[20l\x1b(B\x1b)B\x0f\x1b]8;;\x1b\\\x1b[0m\x1b[H\x1b[2J")
	s.repaintTabs(b)
	s.repaintLines(b, s.prim.lines)
	s.repaintSaved(b, s.prim.saved)
	if s.altActive {
		b.style(Style{})                  // erase with the default background
		b.str("\x1b[?1047h\x1b[H\x1b[2J") // 1047: no cursor save, unlike 1049
		s.repaintLines(b, s.alt.lines)
		s.repaintSaved(b, s.alt.saved)
	}
	s.repaintLastChar(b)
	m := s.modes

	// Scroll region, then the cursor and the pen.
	if s.top != 0 || s.bottom != s.rows-1 {
		b.csi2(s.top+1, s.bottom+1, 'r')
	}
	if m.Origin {
		b.str("\x1b[?6h")
	}
	y := s.y
	if m.Origin {
		y -= s.top
	}
	if s.wrapnext {
		// Print the last cell again so the terminal is left waiting to wrap, as we are.
		x := s.x
		cells := s.cur.lines[s.y].cells
		if cells[x].IsWideTail() && x > 0 {
			x--
		}
		b.cup(x, y)
		b.cell(cells[x])
	} else {
		b.cup(s.x, y)
	}
	b.style(s.pen)
	s.repaintCharsets(b, s.cursor)

	// Modes.
	flag := func(on bool, set, reset string) {
		if on {
			b.str(set)
		} else if reset != "" {
			b.str(reset)
		}
	}
	flag(m.AppCursor, "\x1b[?1h", "\x1b[?1l")
	flag(m.AppKeypad, "\x1b=", "\x1b>")
	flag(m.Insert, "\x1b[4h", "")
	flag(m.Newline, "\x1b[20h", "")
	flag(m.Autowrap, "", "\x1b[?7l")
	flag(m.ReverseVideo, "\x1b[?5h", "\x1b[?5l")
	flag(m.CursorBlink, "\x1b[?12h", "\x1b[?12l")
	flag(m.BracketedPaste, "\x1b[?2004h", "\x1b[?2004l")
	flag(m.FocusEvents, "\x1b[?1004h", "\x1b[?1004l")
	flag(m.AltScroll, "\x1b[?1007h", "\x1b[?1007l")
	b.str(mouseTrackingSeq[m.Mouse])
	b.str(mouseEncodingSeq[m.MouseEncoding])
	b.csi1(s.cursorStyle, " q")
	if s.title != "" {
		b.str("\x1b]2;")
		b.str(s.title)
		b.str("\x1b\\")
	}
	flag(m.CursorVisible, "\x1b[?25h", "\x1b[?25l")
	return r.b
}

// mouseTrackingSeq and mouseEncodingSeq select a mouse mode on a terminal in any prior state.
var (
	mouseTrackingSeq = [...]string{
		MouseNone:   "\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[?9l",
		MouseX10:    "\x1b[?9h",
		MouseNormal: "\x1b[?1000h",
		MouseButton: "\x1b[?1002h",
		MouseAny:    "\x1b[?1003h",
	}
	mouseEncodingSeq = [...]string{
		MouseEncodingDefault: "\x1b[?1015l\x1b[?1006l\x1b[?1005l",
		MouseEncodingUTF8:    "\x1b[?1005h",
		MouseEncodingSGR:     "\x1b[?1006h",
		MouseEncodingURXVT:   "\x1b[?1015h",
	}
)

type repainter struct {
	b     []byte
	colon bool  // extended colours as 38:5:n and 38:2::r:g:b (DECRQSS), not with semicolons
	cur   Style // the style the terminal is drawing with
	link  uint16
}

func (r *repainter) str(s string) { r.b = append(r.b, s...) }

func (r *repainter) num(n int) { r.b = strconv.AppendInt(r.b, int64(n), 10) }

func (r *repainter) csi1(n int, final string) {
	r.str("\x1b[")
	r.num(n)
	r.str(final)
}

func (r *repainter) csi2(a, b int, final byte) {
	r.str("\x1b[")
	r.num(a)
	r.b = append(r.b, ';')
	r.num(b)
	r.b = append(r.b, final)
}

// cup moves to column x, row y (0-based).
func (r *repainter) cup(x, y int) { r.csi2(y+1, x+1, 'H') }

// style switches the terminal's pen to st (the hyperlink included) if it differs.
func (r *repainter) style(st Style) {
	st.Attr &^= cellFlags
	if st.Link != r.link {
		r.str("\x1b]8;")
		if uri, params, ok := Link(st.Link); ok {
			r.str(params)
			r.b = append(r.b, ';')
			r.str(uri)
		} else {
			r.b = append(r.b, ';')
		}
		r.str("\x1b\\")
		r.link = st.Link
	}
	st.Link, r.cur.Link = 0, 0
	if st == r.cur {
		return
	}
	r.str("\x1b[")
	r.sgrParams(st)
	r.b = append(r.b, 'm')
	r.cur = st
}

// sgrParams writes the SGR parameters that select st from scratch ("0;1;31").
func (r *repainter) sgrParams(st Style) {
	r.b = append(r.b, '0')
	for _, a := range sgrAttrs {
		if st.Attr&a.attr != 0 {
			r.str(a.code)
		}
	}
	r.color(st.FG, 30, 90, "38")
	r.color(st.BG, 40, 100, "48")
}

var sgrAttrs = []struct {
	attr Attr
	code string
}{
	{Bold, ";1"}, {Dim, ";2"}, {Italic, ";3"}, {Underline, ";4"}, {DoubleUnderline, ";4:2"},
	{CurlyUnderline, ";4:3"}, {Blink, ";5"}, {Inverse, ";7"}, {Hidden, ";8"}, {Strike, ";9"},
	{Overline, ";53"},
}

func (r *repainter) color(c Color, base, bright int, ext string) {
	if c.IsDefault() {
		return
	}
	r.b = append(r.b, ';')
	sep := byte(';')
	if r.colon {
		sep = ':'
	}
	if n, ok := c.Index(); ok {
		switch {
		case n < 8:
			r.num(base + int(n))
		case n < 16:
			r.num(bright + int(n) - 8)
		default:
			r.str(ext)
			r.b = append(r.b, sep, '5', sep)
			r.num(int(n))
		}
		return
	}
	cr, cg, cb, _ := c.RGB()
	r.str(ext)
	r.b = append(r.b, sep, '2', sep)
	if r.colon {
		r.b = append(r.b, sep) // the empty colour space
	}
	r.num(int(cr))
	r.b = append(r.b, sep)
	r.num(int(cg))
	r.b = append(r.b, sep)
	r.num(int(cb))
}

// cell prints one cell (a blank prints as a space).
func (r *repainter) cell(c Cell) {
	r.style(c.st)
	switch {
	case c.r == 0:
		r.b = append(r.b, ' ')
	case c.r < utf8.RuneSelf:
		r.b = append(r.b, byte(c.r))
	case c.r >= graphemeBase:
		r.str(c.String())
	default:
		r.b = utf8.AppendRune(r.b, c.r)
	}
}

// blank reports whether a cell needs no drawing on a cleared screen.
func blank(c Cell) bool {
	return (c.r == 0 || c.r == ' ') && c.st == Style{}
}

// repaintLines paints a cleared screen with ls. A line that wrapped is printed to its
// last column and the next line follows without a cursor move, so the terminal marks the
// wrap too.
func (s *Screen) repaintLines(r *repainter, ls []line) {
	follows := false // the terminal's cursor is where this line's text continues
	for y, l := range ls {
		wrapsNext := l.wrapped && y < len(ls)-1
		end := len(l.cells)
		if !wrapsNext {
			for end > 0 && blank(l.cells[end-1]) {
				end--
			}
		}
		start := 0
		if !follows {
			for start < end && blank(l.cells[start]) {
				start++
			}
			if wrapsNext && start == end {
				start = end - 1 // print the last cell so the next line wraps from here
			}
			if start < end {
				r.cup(start, y)
			}
		} else if end == 0 {
			end = 1 // print something so the wrap happens
		}
		for x := start; x < end; x++ {
			if c := l.cells[x]; !c.IsWideTail() {
				r.cell(c)
			}
		}
		follows = wrapsNext
	}
}

// lastCharSlot finds blank cells of the active screen where the last printed character
// can be printed and erased again, so the terminal's REP repeats the same character.
func (s *Screen) lastCharSlot() (x, y, w int, ok bool) {
	if s.lastChar == 0 {
		return 0, 0, 0, false
	}
	if s.wrapnext {
		// The repaint prints the cell waiting to wrap again, last: that is the last
		// printed character, so it must be this one.
		x := s.x
		if c := s.cur.lines[s.y].cells; c[x].IsWideTail() && x > 0 {
			x--
		}
		if s.cur.lines[s.y].cells[x].r != s.lastChar {
			return 0, 0, 0, false
		}
	}
	w = 1
	if s.lastChar >= 0x80 {
		w = runeWidth(s.lastChar)
	}
	for y := len(s.cur.lines) - 1; y >= 0; y-- {
		cells := s.cur.lines[y].cells
		run := 0
		for x, c := range cells {
			if c.r == 0 && c.st == (Style{}) {
				run++
			} else {
				run = 0
			}
			if run == w {
				return x - w + 1, y, w, true
			}
		}
	}
	return 0, 0, 0, false
}

// repaintLastChar leaves the terminal with the same last printed character (what REP
// repeats): printed on blank cells, then erased.
func (s *Screen) repaintLastChar(r *repainter) {
	x, y, w, ok := s.lastCharSlot()
	if !ok {
		return
	}
	r.cup(x, y)
	r.style(Style{})
	r.b = utf8.AppendRune(r.b, s.lastChar)
	r.cup(x, y)
	r.csi1(w, "X")
}

// repaintSaved reproduces a buffer's DECSC state with ESC 7.
func (s *Screen) repaintSaved(r *repainter, sv savedCursor) {
	if !sv.valid {
		return
	}
	r.cup(sv.cursor.x, sv.cursor.y)
	r.style(sv.cursor.pen)
	s.repaintCharsets(r, sv.cursor)
	if sv.origin {
		// ESC 7 records origin mode; set it just for the save.
		// The region is still the whole screen here, so the move is absolute.
		r.str("\x1b[?6h")
		r.cup(sv.cursor.x, sv.cursor.y)
	}
	r.str("\x1b7")
	if sv.origin {
		r.str("\x1b[?6l")
	}
	r.str("\x1b(B\x1b)B\x0f")
}

func (s *Screen) repaintCharsets(r *repainter, c cursor) {
	for i, cs := range c.charsets {
		if cs != 'B' {
			r.b = append(r.b, 0x1b, "()*+"[i], cs)
		}
	}
	if c.gl == 1 {
		r.b = append(r.b, 0x0e)
	}
}

func (s *Screen) repaintTabs(r *repainter) {
	def := true
	for i, t := range s.tabs {
		if t != (i%8 == 0 && i > 0) {
			def = false
			break
		}
	}
	if def {
		return
	}
	r.str("\x1b[3g")
	for i, t := range s.tabs {
		if t {
			r.csi1(i+1, "G")
			r.str("\x1bH")
		}
	}
}
