package vt

// Reflow: when the width changes, the rows of the primary screen and the scrollback that
// autowrap continued (line.wrapped) are joined back into the lines the program printed
// and wrapped again at the new width, as tmux and VTE do. The alternate screen is not
// reflowed (full-screen programs redraw it): it is cropped or extended.

// reflowMark is a position followed through a reflow: row is an index into the rows being
// reflowed (scrollback first, then the screen), x a column, past the last one for a
// pending wrap.
type reflowMark struct {
	row, x int
	// Filled in by the reflow: the new row and column, and whether the position is a
	// pending wrap at the end of its new row.
	newRow, newX int
	pending      bool
	// off is the mark's cell offset in its logical line, -1 for its end.
	off int
}

// reflowPrimary re-wraps the scrollback and the primary screen at cols and fits them to
// rows: the screen is the last rows rows of the result, as in tmux, except that blank rows
// at the bottom of the screen are given up before any row of the old screen is pushed
// into the scrollback. The primary cursor (the saved one while the alternate screen is in
// use) stays on the same character.
func (s *Screen) reflowPrimary(cols, rows int) {
	h := &s.history
	oldH := h.n
	src := make([]line, 0, oldH+len(s.prim.lines))
	for i := range oldH {
		src = append(src, h.at(i))
	}
	src = append(src, s.prim.lines...)

	cur := &reflowMark{row: oldH + s.prim.saved.cursor.y, x: s.prim.saved.cursor.x}
	if !s.altActive {
		x := s.x
		if s.wrapnext {
			x++
		}
		cur = &reflowMark{row: oldH + s.y, x: x}
	}
	top := &reflowMark{row: oldH}
	out := reflowRows(src, cols, []*reflowMark{cur, top})

	// Blank rows below the cursor and the text, that may be given up.
	last := cur.newRow
	for i := len(out) - 1; i > last; i-- {
		if !lineEmpty(out[i]) {
			last = i
			break
		}
	}
	blank := len(out) - 1 - last
	start := len(out) - rows
	if start > top.newRow {
		d := min(start-top.newRow, blank)
		out = out[:len(out)-d]
		start -= d
	}
	for len(out) < rows {
		out = append(out, line{cells: make([]Cell, cols)})
	}
	start = max(start, 0)

	// The rows above the screen are the new scrollback, the oldest beyond its size dropped.
	from := max(0, start-h.max)
	h.lines = append([]line(nil), out[from:start]...)
	h.start, h.n = 0, start-from
	s.scrolled = s.scrolled - uint64(oldH) + uint64(start)
	s.prim.lines = append([]line(nil), out[start:start+rows]...)

	x, y, pending := cur.newX, cur.newRow-start, cur.pending
	if y < 0 {
		x, y, pending = 0, 0, false
	}
	if s.altActive {
		s.prim.saved.cursor.x, s.prim.saved.cursor.y = x, y
		s.prim.saved.cursor.wrapnext = false
	} else {
		s.x, s.y, s.wrapnext = x, y, pending && s.modes.Autowrap
	}
}

// reflowRows joins the wrapped rows of src into lines and wraps them again at cols,
// filling in where each mark went.
func reflowRows(src []line, cols int, marks []*reflowMark) []line {
	out := make([]line, 0, len(src))
	var pool []Cell
	alloc := func() []Cell {
		if len(pool) < cols {
			pool = make([]Cell, cols*max(64, 4096/cols))
		}
		c := pool[:cols:cols]
		pool = pool[cols:]
		return c
	}
	var cells []Cell // the logical line being gathered
	for i := 0; i < len(src); {
		// Rows i..j-1 are one logical line.
		j := i + 1
		for j <= len(src)-1 && src[j-1].wrapped && src[j-1].attr == LineSingle && src[j].attr == LineSingle {
			j++
		}
		if src[i].attr != LineSingle {
			// A double-width or double-height line keeps its cells as they are.
			l := line{cells: alloc(), attr: src[i].attr}
			copy(l.cells, src[i].cells)
			fixWideEdges(l.cells, cols-1, cols-1) // a wide character cut at the new edge
			for _, m := range marks {
				if m.row == i {
					m.newRow, m.newX, m.pending = len(out), min(m.x, cols-1), false
				}
			}
			out = append(out, l)
			i = j
			continue
		}
		if j == i+1 && reuseRow(&out, src[i], cols, i, marks) {
			i = j
			continue
		}
		cells = cells[:0]
		for _, m := range marks {
			m.off = -2 // not in this line
		}
		for k := i; k < j; k++ {
			rc := src[k].cells
			n := len(rc)
			if k == j-1 {
				for n > 0 && rc[n-1].r == 0 && rc[n-1].st == (Style{}) {
					n--
				}
			} else if n > 0 && rc[n-1].r == 0 && rc[n-1].st == (Style{}) && src[k+1].cells[0].st.Attr&attrWide != 0 {
				n-- // the blank a wide character left when it wrapped
			}
			for _, m := range marks {
				if m.row == k {
					if m.x < n {
						m.off = len(cells) + m.x
					} else {
						m.off = -1 // past the row's text: the end of the line, as in tmux
					}
				}
			}
			cells = append(cells, rc[:n]...)
		}
		out = wrapLine(out, cells, cols, marks, alloc)
		i = j
	}
	return out
}

// wrapLine appends the rows of one logical line wrapped at cols.
func wrapLine(out []line, cells []Cell, cols int, marks []*reflowMark, alloc func() []Cell) []line {
	row := line{cells: alloc()}
	x := 0
	place := func(off, at int) {
		for _, m := range marks {
			if m.off == off {
				m.newRow, m.newX, m.pending = len(out), at, false
				m.off = -3 // placed
			}
		}
	}
	for i := 0; i < len(cells); i++ {
		c := cells[i]
		w := 1
		switch {
		case c.st.Attr&attrWide != 0:
			w = 2
		case c.st.Attr&attrWideTail != 0:
			continue // placed with its first half
		}
		if w > cols {
			continue // a wide character on a one-column screen has nowhere to go
		}
		if x+w > cols {
			row.wrapped = true
			out = append(out, row)
			row, x = line{cells: alloc()}, 0
		}
		row.cells[x] = c
		place(i, x)
		if w == 2 {
			tail := c
			tail.r = 0
			tail.st.Attr = tail.st.Attr&^attrWide | attrWideTail
			if i+1 < len(cells) && cells[i+1].st.Attr&attrWideTail != 0 {
				tail = cells[i+1]
				place(i+1, x+1)
			}
			row.cells[x+1] = tail
		}
		x += w
	}
	// The end of the line: after its last character, a pending wrap when that filled the row.
	for _, m := range marks {
		if m.off == -1 || m.off >= 0 {
			m.newRow, m.newX, m.pending = len(out), x, false
			if x >= cols {
				m.newX, m.pending = cols-1, true
			}
		}
	}
	return append(out, row)
}

// reuseRow appends row l, a line of its own, with its own cells when they can hold cols
// and its text fits: most lines need no wrapping, and a window dragged narrower and wider
// again then costs no allocation. It reports whether it could.
func reuseRow(out *[]line, l line, cols, row int, marks []*reflowMark) bool {
	if cap(l.cells) < cols || l.wrapped || l.attr != LineSingle {
		return false
	}
	n := len(l.cells)
	for n > 0 && l.cells[n-1].r == 0 && l.cells[n-1].st == (Style{}) {
		n--
	}
	if n > cols || n > 0 && l.cells[n-1].st.Attr&attrWide != 0 && n == cols {
		return false
	}
	cells := l.cells[:cols]
	clear(cells[n:])
	for _, m := range marks {
		if m.row != row {
			continue
		}
		m.newRow, m.newX, m.pending = len(*out), min(m.x, n), false
		if m.newX >= cols {
			m.newX, m.pending = cols-1, true
		}
	}
	*out = append(*out, line{cells: cells})
	return true
}
