package vt

// Resize changes the screen to cols x rows (each clamped to 1..4096). When the width
// changes, the primary screen and the scrollback are reflowed (see reflowPrimary): lines
// autowrap split are joined and wrapped again at the new width, and the cursor stays on
// the same character. The alternate screen is cut or padded on the right. A screen that
// loses rows first drops empty rows below the cursor, then moves rows from the top into
// the scrollback; a screen that gains rows takes them back from the scrollback, then adds
// blank rows at the bottom.
func (s *Screen) Resize(cols, rows int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cols, rows = clampSize(cols, rows)
	if cols == s.cols && rows == s.rows {
		return
	}
	oldCols := s.cols
	// A pending wrap on a screen that widens becomes a cursor after the last character.
	if s.altActive && s.wrapnext && cols > oldCols {
		s.x, s.wrapnext = oldCols, false
	}
	s.cols = cols
	for i := range s.alt.lines {
		s.alt.lines[i].cells = fitWidth(s.alt.lines[i].cells, cols)
	}
	if cols != oldCols {
		s.resizeTabs(oldCols)
		s.reflowPrimary(cols, rows)
	} else if y := s.resizeRows(&s.prim, rows, !s.altActive, true); !s.altActive {
		s.y = y
	}
	if y := s.resizeRows(&s.alt, rows, s.altActive, false); s.altActive {
		s.y = y
	}
	s.rows = rows
	s.x = min(s.x, cols-1)
	s.clampToLine()
	if s.x < cols-1 {
		s.wrapnext = false
	}
	for _, b := range []*buffer{&s.prim, &s.alt} {
		b.saved.cursor.x = min(b.saved.cursor.x, cols-1)
		b.saved.cursor.y = min(b.saved.cursor.y, rows-1)
	}
	s.top, s.bottom = 0, rows-1
	s.left, s.right = 0, cols-1
	s.dirty = make([]bool, rows)
	s.markAllDirty()
}

// resizeRows changes the number of rows of b. hasCursor says b is the active buffer (whose
// cursor row is s.y); useHistory lets it trade rows with the scrollback. It returns the
// cursor's new row.
func (s *Screen) resizeRows(b *buffer, rows int, hasCursor, useHistory bool) int {
	y := s.y
	if !hasCursor {
		y = b.saved.cursor.y
	}
	old := len(b.lines)
	switch {
	case rows < old:
		need := old - rows
		// Empty rows below the cursor go first.
		for need > 0 && len(b.lines)-1 > y && lineEmpty(b.lines[len(b.lines)-1]) {
			b.lines = b.lines[:len(b.lines)-1]
			need--
		}
		if need > 0 {
			for _, l := range b.lines[:need] {
				if useHistory {
					s.history.push(l)
					s.scrolled++
				}
			}
			b.lines = append([]line(nil), b.lines[need:]...)
			y -= need
		}
		b.lines = b.lines[:min(len(b.lines), rows)]
	case rows > old:
		need := rows - old
		var top []line
		for useHistory && need > 0 {
			l, ok := s.history.pop()
			if !ok {
				break
			}
			s.scrolled--
			l.cells = fitWidth(l.cells, s.cols)
			top = append([]line{l}, top...)
			need--
		}
		y += len(top)
		ls := append(top, b.lines...)
		for range need {
			ls = append(ls, line{cells: make([]Cell, s.cols)})
		}
		b.lines = ls
	}
	if !hasCursor {
		b.saved.cursor.y = min(max(y, 0), rows-1)
	}
	return min(max(y, 0), rows-1)
}

func lineEmpty(l line) bool {
	for _, c := range l.cells {
		if c.r != 0 || c.st != (Style{}) {
			return false
		}
	}
	return true
}

// fitWidth returns cells cut or padded to n, without splitting a wide character.
func fitWidth(cells []Cell, n int) []Cell {
	switch {
	case len(cells) > n:
		cells = cells[:n]
		if last := n - 1; cells[last].st.Attr&attrWide != 0 {
			cells[last] = blankCell(cells[last].st)
		}
	case len(cells) < n:
		if cap(cells) >= n {
			old := len(cells)
			cells = cells[:n]
			clear(cells[old:])
		} else {
			nc := make([]Cell, n)
			copy(nc, cells)
			cells = nc
		}
	}
	return cells
}

func (s *Screen) resizeTabs(oldCols int) {
	tabs := make([]bool, s.cols)
	copy(tabs, s.tabs)
	for i := oldCols; i < s.cols; i++ {
		tabs[i] = i%8 == 0
	}
	s.tabs = tabs
}
