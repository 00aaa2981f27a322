package vt

// Erasing and editing within a row, REP, DECSTBM, DECSLRM and DECALN.

// eraseCells blanks columns [from, to) of row y, splitting no wide character. A selective
// erase (DECSEL, DECSED) keeps protected cells once DECSCA or SPA was used, and leaves
// spaces with their attributes, as in xterm; once SPA was used, every erase keeps them.
func (s *Screen) eraseCells(y, from, to int, selective bool) {
	if selective && s.protect == protectOff {
		selective = false
	}
	cells := s.cur.lines[y].cells
	from, to = max(from, 0), min(to, s.cols)
	if from >= to {
		return
	}
	if from > 0 && cells[from].st.Attr&attrWideTail != 0 {
		cells[from-1] = blankCell(s.pen)
	}
	if to < s.cols && cells[to].st.Attr&attrWideTail != 0 {
		cells[to] = blankCell(s.pen)
	}
	if selective || s.protect == protectISO {
		b := blankCell(s.pen)
		for x := from; x < to; x++ {
			switch c := &cells[x]; {
			case c.st.Attr&attrProtected != 0:
			case selective:
				*c = selectiveBlank(*c)
			default:
				*c = b
			}
		}
		fixWideEdges(cells, from, to-1)
	} else {
		clearCells(cells[from:to], s.pen)
	}
	s.markDirty(y)
}

// selectiveBlank is what a selective erase leaves of a cell: a space, attributes kept.
func selectiveBlank(c Cell) Cell {
	c.r = ' '
	c.st.Attr &^= cellFlags
	return c
}

func (s *Screen) eraseLine(y int, selective bool) {
	s.eraseCells(y, 0, s.cols, selective)
	s.cur.lines[y].wrapped = false
}

// eraseInLine is EL (DECSEL when selective). EL 0 with a wrap pending does nothing, as in
// tmux, VTE, Konsole and iTerm2 (xterm erases the last column): top and grep --color end a
// line that fills the screen with EL 0 and expect its last character and the wrap kept.
func (s *Screen) eraseInLine(mode int, selective bool) {
	switch mode {
	case 0:
		if s.wrapnext {
			return
		}
		s.eraseToEnd(selective)
	case 1:
		s.eraseCells(s.y, 0, s.x+1, selective)
	case 2:
		s.eraseLine(s.y, selective)
	}
	s.wrapnext = false
}

// eraseToEnd erases from the cursor to the end of its row.
func (s *Screen) eraseToEnd(selective bool) {
	s.eraseCells(s.y, s.x, s.cols, selective)
	s.cur.lines[s.y].wrapped = false
}

// eraseInDisplay is ED (DECSED when selective). Rows it erases whole, but the cursor's
// (unless ED 2), become single width again, as in xterm.
func (s *Screen) eraseInDisplay(mode int, selective bool) {
	single := func(y int) {
		s.eraseLine(y, selective)
		s.cur.lines[y].attr = LineSingle
	}
	switch mode {
	case 0:
		s.eraseToEnd(selective)
		for y := s.y + 1; y < s.rows; y++ {
			single(y)
		}
	case 1:
		s.eraseInLine(1, selective)
		for y := 0; y < s.y; y++ {
			single(y)
		}
	case 2:
		for y := 0; y < s.rows; y++ {
			single(y)
		}
	case 3:
		s.history.clear()
		s.changed = true
	}
	s.wrapnext = false
}

// insertCells shifts the cursor's row right by n from column x up to the right margin
// (ICH and insert mode); ICH outside the margins does nothing.
func (s *Screen) insertCells(x, n int) {
	right := s.cols - 1
	if x <= s.right {
		right = s.right
	}
	if s.modes.LeftRightMargins && (x < s.left || x > s.right) {
		return
	}
	right = min(right, s.lineCols(s.y)-1)
	if x > right {
		return
	}
	full := s.cur.lines[s.y].cells
	cells := full[:right+1]
	n = min(n, right+1-x)
	if x > 0 && cells[x].st.Attr&attrWideTail != 0 {
		cells[x-1] = blankCell(cells[x-1].st)
		cells[x] = blankCell(cells[x].st)
	}
	if right+1 < len(full) && full[right].st.Attr&attrWide != 0 {
		// A wide character across the edge (a margin, the shown half of a double-width
		// line) loses its left half to the shift: erased.
		full[right] = blankCell(full[right].st)
		full[right+1] = blankCell(full[right+1].st)
	}
	copy(cells[x+n:], cells[x:right+1-n])
	clearCells(cells[x:x+n], s.pen)
	// A wide character pushed half off the edge is erased.
	fixWideEdges(full, x, right)
	s.markDirty(s.y)
}

// deleteCells is DCH: the rest of the row up to the right margin moves left by n, blanks
// enter at the margin; outside the margins it does nothing.
func (s *Screen) deleteCells(n int) {
	x := s.x
	s.wrapnext = false
	if s.modes.LeftRightMargins && !s.insideMargins() {
		return
	}
	right := min(s.right, s.lineCols(s.y)-1)
	if x > right {
		return
	}
	cells := s.cur.lines[s.y].cells[:right+1]
	n = min(n, right+1-x)
	if x > 0 && cells[x].st.Attr&attrWideTail != 0 {
		cells[x-1] = blankCell(cells[x-1].st)
	}
	if e := x + n; e <= right && cells[e].st.Attr&attrWideTail != 0 {
		cells[e] = blankCell(cells[e].st)
	}
	copy(cells[x:], cells[x+n:])
	clearCells(cells[right+1-n:], s.pen)
	fixWideEdges(s.cur.lines[s.y].cells, x, right)
	s.markDirty(s.y)
}

// eraseChars is ECH: n cells from the cursor become blank, nothing moves.
func (s *Screen) eraseChars(n int) {
	s.eraseCells(s.y, s.x, s.x+n, false)
	s.wrapnext = false
}

// repeatLast is REP: the last printed graphic character again n times, wrapping like any
// other text. As in xterm it is the last character printed, wherever the cursor went
// since, drawn through the character set now in use.
func (s *Screen) repeatLast(n int) {
	r := s.lastChar
	if r == 0 {
		return
	}
	for range min(n, s.cols*s.rows) {
		s.printRune(r)
	}
}

// setScrollRegion is DECSTBM; the cursor goes home.
func (s *Screen) setScrollRegion(top, bottom int) {
	if bottom <= 0 || bottom > s.rows {
		bottom = s.rows
	}
	top = max(top, 1)
	if top >= bottom {
		return
	}
	s.top, s.bottom = top-1, bottom-1
	s.moveTo(0, 0)
}

// setMargins is DECSLRM (CSI Pl ; Pr s while DECLRMM is set); the cursor goes home.
func (s *Screen) setMargins(left, right int) {
	if right <= 0 || right > s.cols {
		right = s.cols
	}
	left = max(left, 1)
	if left >= right {
		return
	}
	s.left, s.right = left-1, right-1
	s.moveTo(0, 0)
}

// alignmentTest is DECALN: the screen fills with E, the margins and region reset.
func (s *Screen) alignmentTest() {
	s.top, s.bottom = 0, s.rows-1
	s.left, s.right = 0, s.cols-1
	for y := range s.cur.lines {
		for x := range s.cur.lines[y].cells {
			s.cur.lines[y].cells[x] = Cell{r: 'E'}
		}
		s.cur.lines[y].wrapped = false
		s.cur.lines[y].attr = LineSingle
	}
	s.modes.Origin = false
	s.moveTo(0, 0)
	s.markAllDirty()
}

// setLineAttr is DECSWL, DECDWL and DECDHL for the cursor's row. A double-width row shows
// half the columns; the cursor stays inside them.
func (s *Screen) setLineAttr(a LineSize) {
	l := &s.cur.lines[s.y]
	if l.attr == a {
		return
	}
	l.attr = a
	s.sized = s.sized || a != LineSingle
	s.clampToLine()
	s.markDirty(s.y)
}
