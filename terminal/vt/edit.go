package vt

// Cursor movement, scrolling and editing operations. Coordinates are 0-based; the scroll
// region is rows top..bottom inclusive.

func (s *Screen) carriageReturn() {
	s.x = 0
	s.wrapnext = false
}

func (s *Screen) linefeed() {
	s.wrapnext = false
	s.index()
}

// index moves the cursor down one row, scrolling the region when it is at its bottom.
func (s *Screen) index() {
	switch {
	case s.y == s.bottom:
		s.scrollUp(s.top, s.bottom, 1)
	case s.y < s.rows-1:
		s.y++
	}
}

func (s *Screen) reverseIndex() {
	s.wrapnext = false
	switch {
	case s.y == s.top:
		s.scrollDown(s.top, s.bottom, 1)
	case s.y > 0:
		s.y--
	}
}

// backspace moves one column left. A pending wrap is dropped and the cursor still moves,
// from the last column to the one before, as in xterm, the VT terminals and VTE (tmux and
// rxvt only drop the pending wrap).
func (s *Screen) backspace() {
	s.wrapnext = false
	if s.x > 0 {
		s.x--
	}
}

// tab moves to the n-th next tab stop (or back for negative n), stopping at the edges.
func (s *Screen) tab(n int) {
	if s.wrapnext {
		return
	}
	for ; n > 0 && s.x < s.cols-1; n-- {
		s.x++
		for s.x < s.cols-1 && !s.tabs[s.x] {
			s.x++
		}
	}
	for ; n < 0 && s.x > 0; n++ {
		s.x--
		for s.x > 0 && !s.tabs[s.x] {
			s.x--
		}
	}
}

// moveTo places the cursor at column x, row y, relative to the scroll region in origin
// mode, clamped to the screen (or region).
func (s *Screen) moveTo(x, y int) {
	top, bot := 0, s.rows-1
	if s.modes.Origin {
		top, bot = s.top, s.bottom
		y += top
	}
	s.x = min(max(x, 0), s.cols-1)
	s.y = min(max(y, top), bot)
	s.wrapnext = false
}

// moveRows moves the cursor n rows (negative is up), stopping at the scroll region's edge
// when it starts inside the region, else at the screen's edge.
func (s *Screen) moveRows(n int) {
	top, bot := 0, s.rows-1
	if s.y >= s.top && s.y <= s.bottom {
		top, bot = s.top, s.bottom
	}
	s.y = min(max(s.y+n, top), bot)
	s.wrapnext = false
}

func (s *Screen) moveCols(n int) {
	s.x = min(max(s.x+n, 0), s.cols-1)
	s.wrapnext = false
}

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

// scrollUp moves rows top+n..bottom up to top, blanking n rows at the bottom. Rows leaving
// the top of the whole primary screen go to the scrollback.
func (s *Screen) scrollUp(top, bottom, n int) {
	n = min(n, bottom-top+1)
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
}

// scrollDown moves rows top..bottom-n down by n, blanking n rows at the top.
func (s *Screen) scrollDown(top, bottom, n int) {
	n = min(n, bottom-top+1)
	ls := s.cur.lines
	for range n {
		old := ls[bottom]
		copy(ls[top+1:bottom+1], ls[top:bottom])
		ls[top] = s.freshLine(old.cells)
	}
	s.markRange(top, bottom)
}

// eraseCells blanks columns [from, to) of row y, splitting no wide character.
func (s *Screen) eraseCells(y, from, to int) {
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
	clearCells(cells[from:to], s.pen)
	s.markDirty(y)
}

func (s *Screen) eraseLine(y int) {
	s.eraseCells(y, 0, s.cols)
	s.cur.lines[y].wrapped = false
}

// eraseInLine is EL. EL 0 with a wrap pending does nothing, as in tmux, VTE, Konsole and
// iTerm2 (xterm erases the last column): top and grep --color end a line that fills the
// screen with EL 0 and expect its last character and the wrap kept.
func (s *Screen) eraseInLine(mode int) {
	switch mode {
	case 0:
		if s.wrapnext {
			return
		}
		s.eraseToEnd()
	case 1:
		s.eraseCells(s.y, 0, s.x+1)
	case 2:
		s.eraseLine(s.y)
	}
	s.wrapnext = false
}

// eraseToEnd erases from the cursor to the end of its row.
func (s *Screen) eraseToEnd() {
	s.eraseCells(s.y, s.x, s.cols)
	s.cur.lines[s.y].wrapped = false
}

// eraseInDisplay is ED.
func (s *Screen) eraseInDisplay(mode int) {
	switch mode {
	case 0:
		s.eraseToEnd()
		for y := s.y + 1; y < s.rows; y++ {
			s.eraseLine(y)
		}
	case 1:
		s.eraseInLine(1)
		for y := 0; y < s.y; y++ {
			s.eraseLine(y)
		}
	case 2:
		for y := 0; y < s.rows; y++ {
			s.eraseLine(y)
		}
	case 3:
		s.history.clear()
		s.changed = true
	}
	s.wrapnext = false
}

// insertCells shifts the cursor's row right by n from column x (ICH and insert mode).
func (s *Screen) insertCells(x, n int) {
	cells := s.cur.lines[s.y].cells
	n = min(n, s.cols-x)
	if x > 0 && cells[x].st.Attr&attrWideTail != 0 {
		cells[x-1] = blankCell(cells[x-1].st)
		cells[x] = blankCell(cells[x].st)
	}
	copy(cells[x+n:], cells[x:s.cols-n])
	// A wide character pushed half off the edge is erased.
	if last := s.cols - 1; cells[last].st.Attr&attrWide != 0 {
		cells[last] = blankCell(cells[last].st)
	}
	clearCells(cells[x:x+n], s.pen)
	s.markDirty(s.y)
}

// deleteCells is DCH: the rest of the row moves left by n, blanks enter on the right.
func (s *Screen) deleteCells(n int) {
	cells := s.cur.lines[s.y].cells
	x := s.x
	n = min(n, s.cols-x)
	if x > 0 && cells[x].st.Attr&attrWideTail != 0 {
		cells[x-1] = blankCell(cells[x-1].st)
	}
	if e := x + n; e < s.cols && cells[e].st.Attr&attrWideTail != 0 {
		cells[e] = blankCell(cells[e].st)
	}
	copy(cells[x:], cells[x+n:])
	clearCells(cells[s.cols-n:], s.pen)
	s.markDirty(s.y)
	s.wrapnext = false
}

// insertLines is IL: only inside the scroll region; the cursor goes to column 0.
func (s *Screen) insertLines(n int) {
	if s.y < s.top || s.y > s.bottom {
		return
	}
	s.scrollDown(s.y, s.bottom, n)
	s.x, s.wrapnext = 0, false
}

// deleteLines is DL.
func (s *Screen) deleteLines(n int) {
	if s.y < s.top || s.y > s.bottom {
		return
	}
	n = min(n, s.bottom-s.y+1)
	ls := s.cur.lines
	for range n {
		old := ls[s.y]
		copy(ls[s.y:s.bottom], ls[s.y+1:s.bottom+1])
		ls[s.bottom] = s.freshLine(old.cells)
	}
	s.markRange(s.y, s.bottom)
	s.x, s.wrapnext = 0, false
}

// eraseChars is ECH: n cells from the cursor become blank, nothing moves.
func (s *Screen) eraseChars(n int) {
	s.eraseCells(s.y, s.x, s.x+n)
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

// alignmentTest is DECALN: the screen fills with E.
func (s *Screen) alignmentTest() {
	s.top, s.bottom = 0, s.rows-1
	for y := range s.cur.lines {
		for x := range s.cur.lines[y].cells {
			s.cur.lines[y].cells[x] = Cell{r: 'E'}
		}
		s.cur.lines[y].wrapped = false
	}
	s.modes.Origin = false
	s.moveTo(0, 0)
	s.markAllDirty()
}
