package vt

// decGraphics maps 0x5F-0x7E to the DEC special graphics (line drawing) set.
var decGraphics = [32]rune{
	' ', '◆', '▒', '␉', '␌', '␍', '␊', '°', '±', '␤', '␋', '┘', '┐', '┌', '└', '┼',
	'⎺', '⎻', '─', '⎼', '⎽', '├', '┤', '┴', '┬', '│', '≤', '≥', 'π', '≠', '£', '·',
}

// translate maps an ASCII byte through the character set in use: G2 or G3 for the one
// character after a single shift, else the one invoked into GL.
func (s *Screen) translate(c byte) rune {
	set := s.charsets[s.gl]
	if s.ss != 0 {
		set = s.charsets[s.ss]
		s.ss = 0
	}
	switch set {
	case '0':
		if c >= 0x5F && c <= 0x7E {
			return decGraphics[c-0x5F]
		}
	case 'A':
		if c == '#' {
			return '£'
		}
	}
	return rune(c)
}

// printASCII draws a run of printable ASCII bytes: the hot path of the whole emulator.
// Runs in another character set, in insert mode, between margins or on a double-width
// line take the general path, a character at a time.
func (s *Screen) printASCII(run []byte) {
	s.zwj = false
	s.lastChar = rune(run[len(run)-1])
	if s.charsets[s.gl] != 'B' || s.modes.Insert || s.ss != 0 || !s.fullWidth() {
		s.printSlow(run)
		return
	}
	pen := s.pen
	pen.Attr &^= cellFlags
	for len(run) > 0 {
		if s.wrapnext {
			s.wrap()
		}
		if s.sized && s.cur.lines[s.y].attr != LineSingle {
			s.printSlow(run)
			return
		}
		cells := s.cur.lines[s.y].cells
		n := min(len(run), s.cols-s.x)
		x := s.x
		// Overwriting half of a wide character erases its other half.
		if cells[x].st.Attr&attrWideTail != 0 && x > 0 {
			cells[x-1] = blankCell(cells[x-1].st)
		}
		if end := x + n; end < s.cols && cells[end].st.Attr&attrWideTail != 0 {
			cells[end] = blankCell(cells[end].st)
		}
		dst := cells[x : x+n]
		for k, c := range run[:n] {
			dst[k] = Cell{r: rune(c), st: pen}
		}
		s.markDirty(s.y)
		run = run[n:]
		if x+n >= s.cols {
			s.x = s.cols - 1
			if s.modes.Autowrap {
				s.wrapnext = true
			} else if len(run) > 0 {
				// Without autowrap the rest of the run overwrites the last column.
				cells[s.x] = Cell{r: rune(run[len(run)-1]), st: pen}
				run = nil
			}
		} else {
			s.x = x + n
		}
	}
}

func (s *Screen) printSlow(run []byte) {
	for _, c := range run {
		s.putRune(s.translate(c), 1)
	}
}

// printRune draws one decoded character of any width.
func (s *Screen) printRune(r rune) {
	if r < 0x80 {
		s.zwj = false
		s.lastChar = r
		s.putRune(s.translate(byte(r)), 1)
		return
	}
	s.ss = 0
	if ignoredRune(r) {
		return
	}
	if r == zeroWidthJoiner {
		// As in tmux, a joiner makes the next character part of this cell (emoji
		// sequences such as a family are one picture); it is kept only if one follows.
		s.zwj = true
		return
	}
	w := runeWidth(r)
	if s.zwj {
		s.zwj = false
		if s.combine(string(zeroWidthJoiner) + string(r)) {
			return
		}
	}
	if w == 0 {
		s.combine(string(r))
		return
	}
	s.lastChar = r
	s.putRune(r, w)
}

func (s *Screen) putRune(r rune, w int) {
	if w > s.cols {
		return // a wide character on a one-column screen has nowhere to go
	}
	if s.wrapnext {
		s.wrap()
	}
	edge := s.rightEdge()
	if s.x+w-1 > edge {
		if !s.modes.Autowrap {
			return // dropped, as in xterm and tmux
		}
		// A wide character that does not fit goes to the next line, as in xterm.
		s.wrap()
		if edge = s.rightEdge(); s.x+w-1 > edge {
			return
		}
	}
	cells := s.cur.lines[s.y].cells
	if s.modes.Insert {
		s.insertCells(s.x, w)
	}
	s.clearWideOverlap(cells, s.x, w)
	pen := s.pen
	pen.Attr &^= cellFlags
	if w == 2 {
		tail := pen
		tail.Attr |= attrWideTail
		pen.Attr |= attrWide
		cells[s.x+1] = Cell{st: tail}
	}
	cells[s.x] = Cell{r: r, st: pen}
	s.markDirty(s.y)
	s.x += w
	if s.x > edge {
		s.x = edge
		s.wrapnext = s.modes.Autowrap
	}
}

// clearWideOverlap erases the halves of wide characters that cells [x, x+w) cut in two.
func (s *Screen) clearWideOverlap(cells []Cell, x, w int) {
	if x > 0 && cells[x].st.Attr&attrWideTail != 0 {
		cells[x-1] = blankCell(cells[x-1].st)
	}
	end := x + w - 1
	if end < len(cells)-1 && cells[end].st.Attr&attrWide != 0 {
		cells[end+1] = blankCell(cells[end+1].st)
	}
}

// combine attaches zero-width characters (or a character after a joiner) to the cell
// before the cursor and reports whether there was one. A mark on an erased cell goes on a
// space, as in tmux.
func (s *Screen) combine(marks string) bool {
	x, y := s.x, s.y
	if !s.wrapnext {
		x--
	}
	if x < 0 {
		return false
	}
	cells := s.cur.lines[y].cells
	if cells[x].st.Attr&attrWideTail != 0 && x > 0 {
		x--
	}
	c := &cells[x]
	base := c.String()
	if base == "" {
		base = " "
	}
	g := base + marks
	if len(g) > 32 {
		return true
	}
	if id, ok := graphemes.id(g); ok {
		c.r = graphemeBase + id
		s.markDirty(y)
	}
	return true
}

// wrap moves to the start of the next line after autowrap (the left margin), marking the
// line as continued when the text filled the whole width.
func (s *Screen) wrap() {
	s.wrapnext = false
	if s.fullWidth() {
		s.cur.lines[s.y].wrapped = true
	}
	s.carriageReturn()
	s.index()
}
