package vt

// Scrolling, and inserting and deleting lines and columns, inside the scroll region and
// the left and right margins.

// fullWidth reports whether the margins are the whole width of the screen.
func (s *Screen) fullWidth() bool { return s.left == 0 && s.right == s.cols-1 }

// freshLine returns a blank line of the screen's width, reusing cells when it can.
func (s *Screen) freshLine(cells []Cell) line {
	if cap(cells) >= s.cols {
		cells = cells[:s.cols]
	} else {
		cells = make([]Cell, s.cols)
	}
	clearCells(cells, s.pen)
	return line{cells: cells}
}

// scrollUp moves rows top+n..bottom up to top, blanking n rows at the bottom, between
// the margins. Rows leaving the top of the whole primary screen go to the scrollback.
func (s *Screen) scrollUp(top, bottom, n int) {
	n = min(n, bottom-top+1)
	if !s.fullWidth() {
		s.shiftRect(top, bottom, s.left, s.right, -n, 0)
		return
	}
	ls := s.cur.lines
	toHistory := !s.altActive && top == 0 && bottom == s.rows-1
	for range n {
		old := ls[top]
		if toHistory {
			s.scrolled++
			old = s.history.push(old)
		}
		copy(ls[top:bottom], ls[top+1:bottom+1])
		ls[bottom] = s.freshLine(old.cells)
	}
	s.markRange(top, bottom)
	s.clampToLine()
}

// scrollDown moves rows top..bottom-n down by n, blanking n rows at the top.
func (s *Screen) scrollDown(top, bottom, n int) {
	n = min(n, bottom-top+1)
	if !s.fullWidth() {
		s.shiftRect(top, bottom, s.left, s.right, n, 0)
		return
	}
	ls := s.cur.lines
	for range n {
		old := ls[bottom]
		copy(ls[top+1:bottom+1], ls[top:bottom])
		ls[top] = s.freshLine(old.cells)
	}
	s.markRange(top, bottom)
	s.clampToLine()
}

// shiftRect moves the cells of rows top..bottom, columns left..right, by dy rows and dx
// columns; the cells that come in are blank. Lines it touches are no longer wrapped.
func (s *Screen) shiftRect(top, bottom, left, right, dy, dx int) {
	ls := s.cur.lines
	blank := blankCell(s.pen)
	get := func(x, y int) Cell {
		x, y = x-dx, y-dy
		if y < top || y > bottom || x < left || x > right {
			return blank
		}
		return ls[y].cells[x]
	}
	rowOrder := func(i int) int { return top + i }
	if dy > 0 {
		rowOrder = func(i int) int { return bottom - i }
	}
	for i := 0; i <= bottom-top; i++ {
		y := rowOrder(i)
		cells := ls[y].cells
		if dx > 0 {
			for x := right; x >= left; x-- {
				cells[x] = get(x, y)
			}
		} else {
			for x := left; x <= right; x++ {
				cells[x] = get(x, y)
			}
		}
		fixWideEdges(cells, left, right)
		ls[y].wrapped = false
	}
	s.markRange(top, bottom)
}

// fixWideEdges blanks halves of wide characters that an operation on columns
// left..right separated from their other half, inside those columns or next to them.
func fixWideEdges(cells []Cell, left, right int) {
	for x := max(left-1, 0); x <= min(right+1, len(cells)-1); x++ {
		a := cells[x].st.Attr
		switch {
		case a&attrWide != 0 && (x+1 >= len(cells) || cells[x+1].st.Attr&attrWideTail == 0):
			cells[x] = blankCell(cells[x].st)
		case a&attrWideTail != 0 && (x == 0 || cells[x-1].st.Attr&attrWide == 0):
			cells[x] = blankCell(cells[x].st)
		}
	}
}

// insideRegion reports whether the cursor is inside the scroll region and the margins.
func (s *Screen) insideRegion() bool {
	return s.y >= s.top && s.y <= s.bottom && s.insideMargins()
}

// insertLines is IL: only inside the scroll region and margins; the cursor goes to the
// left margin.
func (s *Screen) insertLines(n int) {
	if !s.insideRegion() {
		return
	}
	s.scrollDown(s.y, s.bottom, n)
	s.x, s.wrapnext = s.left, false
}

// deleteLines is DL.
func (s *Screen) deleteLines(n int) {
	if !s.insideRegion() {
		return
	}
	n = min(n, s.bottom-s.y+1)
	if !s.fullWidth() {
		s.shiftRect(s.y, s.bottom, s.left, s.right, -n, 0)
	} else {
		ls := s.cur.lines
		for range n {
			old := ls[s.y]
			copy(ls[s.y:s.bottom], ls[s.y+1:s.bottom+1])
			ls[s.bottom] = s.freshLine(old.cells)
		}
		s.markRange(s.y, s.bottom)
	}
	s.x, s.wrapnext = s.left, false
	s.clampToLine()
}

// insertColumns is DECIC: n blank columns at the cursor's, inside the region and margins.
func (s *Screen) insertColumns(n int) {
	if !s.insideRegion() {
		return
	}
	s.shiftRect(s.top, s.bottom, s.x, s.right, 0, min(n, s.right-s.x+1))
}

// deleteColumns is DECDC: n columns from the cursor's go, blanks come in at the right margin.
func (s *Screen) deleteColumns(n int) {
	if !s.insideRegion() {
		return
	}
	s.shiftRect(s.top, s.bottom, s.x, s.right, 0, -min(n, s.right-s.x+1))
}

// backIndex is DECBI: one column left, or at the left margin the region scrolls right.
func (s *Screen) backIndex() {
	s.wrapnext = false
	switch {
	case s.x == s.left:
		if s.y >= s.top && s.y <= s.bottom {
			s.shiftRect(s.top, s.bottom, s.left, s.right, 0, 1)
		}
	case s.x > 0:
		s.x--
	}
}

// forwardIndex is DECFI: one column right, or at the right margin the region scrolls left.
func (s *Screen) forwardIndex() {
	s.wrapnext = false
	switch {
	case s.x == s.right:
		if s.y >= s.top && s.y <= s.bottom {
			s.shiftRect(s.top, s.bottom, s.left, s.right, 0, -1)
		}
	case s.x < s.lineCols(s.y)-1:
		s.x++
	}
}
