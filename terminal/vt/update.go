package vt

import (
	"bytes"
	"hash/maphash"
)

// AppendUpdate appends to dst the bytes that turn a terminal showing from into one
// showing s, writes them to from as well (so from keeps showing what that terminal
// shows), and returns dst. from is the model of a terminal kept by whoever sends it
// updates: a Screen of s's size made with New, fed with everything that terminal was
// sent (a repaint of s to start with).
//
// The update redraws only what differs: rows that scrolled move with a scroll, changed
// cells are printed, and the cursor, saved cursor, pen and title are set. Whatever an
// update cannot express (another size or screen, modes, scroll region, tab stops, ...),
// any update that would leave from different from s, and one larger than a repaint, is
// a full repaint instead: from always ends showing exactly what s shows (the same
// Repaint). Scrollback is not included. s must not be written to meanwhile; from must be
// no other Screen's model.
func (s *Screen) AppendUpdate(dst []byte, from *Screen) []byte {
	start := len(dst)
	s.mu.Lock()
	from.mu.Lock()
	ok := s.comparable(from)
	if ok {
		dst = s.appendDiff(dst, from)
	}
	from.mu.Unlock()
	s.mu.Unlock()
	var full []byte
	if ok {
		full = s.Repaint()
		if len(dst)-start <= len(full) && bytes.Equal(from.Repaint(), full) {
			return dst
		}
	}
	from.Resize(s.Size())
	dst = dst[:start]
	if full != nil {
		dst = append(dst, full...)
	} else {
		dst = s.AppendRepaint(dst)
	}
	from.Write(dst[start:])
	return dst
}

// comparable reports whether an update can take from to s: everything but the active
// screen's cells and saved cursor, the cursor, the pen, the last character and the title
// is the same. Both locks are held.
func (s *Screen) comparable(from *Screen) bool {
	inactive := func(sc *Screen) *buffer {
		if sc.cur == &sc.prim {
			return &sc.alt
		}
		return &sc.prim
	}
	// Margins and line sizes change where text goes; the rest is state an update
	// leaves alone (the check after an update catches what is not listed here).
	return s.cols == from.cols && s.rows == from.rows && s.altActive == from.altActive &&
		s.modes == from.modes && !s.modes.LeftRightMargins && !s.sized && !from.sized &&
		s.top == from.top && s.bottom == from.bottom && s.level == from.level &&
		s.protect.iso() == from.protect.iso() && s.rectExtent == from.rectExtent &&
		s.cursorStyle == from.cursorStyle && s.charsets == from.charsets && s.gl == from.gl &&
		s.ss == 0 && from.ss == 0 &&
		inactive(s).saved == inactive(from).saved && (s.cur.saved.valid || !from.cur.saved.valid) &&
		equalTabs(s.tabs, from.tabs) && from.state == stGround && from.utf8n == 0
}

func equalTabs(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sameCell reports whether two cells are the same. A cell never printed on and a space
// draw the same, but not for everything (a repaint puts the last printed character on
// cells never printed on), so an update makes them the same too.
func sameCell(a, b Cell) bool { return a == b }

func sameRow(a, b line) bool {
	if a.wrapped != b.wrapped || len(a.cells) != len(b.cells) {
		return false
	}
	for i := range a.cells {
		if !sameCell(a.cells[i], b.cells[i]) {
			return false
		}
	}
	return true
}

// rowSeed keys the row hashes that find scrolled rows.
var rowSeed = maphash.MakeSeed()

func rowHash(l line) uint64 {
	var h maphash.Hash
	h.SetSeed(rowSeed)
	var b [12]byte
	for _, c := range l.cells {
		b = [12]byte{byte(c.r), byte(c.r >> 8), byte(c.r >> 16), byte(c.r >> 24),
			byte(c.st.FG), byte(c.st.FG >> 8), byte(c.st.FG >> 16), byte(c.st.FG >> 24),
			byte(c.st.BG), byte(c.st.BG >> 8), byte(c.st.Attr), byte(c.st.Attr >> 8)}
		h.Write(b[:])
	}
	return h.Sum64()
}

// appendDiff appends the update (see AppendUpdate) and writes it to from piece by piece,
// so that each piece is computed against what from shows by then. Both locks are held.
func (s *Screen) appendDiff(dst []byte, from *Screen) []byte {
	// The repainter starts from the terminal's pen: from's.
	pen := from.pen
	pen.Attr &^= hiddenFlags
	pen.Link = 0
	r := repainter{b: dst, cur: pen, link: from.pen.Link, prot: from.pen.Attr&attrProtected != 0}
	b := &r
	emit := func(mark int) { from.write(b.b[mark:]) }

	// A known state for drawing: no cursor, no region, absolute moves, replace mode,
	// ASCII, the default pen.
	mark := len(b.b)
	b.str("\x1b[?25l\x1b[r")
	if s.modes.Origin {
		b.str("\x1b[?6l")
	}
	if s.modes.Insert {
		b.str("\x1b[4l")
	}
	if s.charsets[s.gl] != 'B' {
		b.str("\x1b(B\x0f")
	}
	b.style(Style{})
	emit(mark)

	s.diffScroll(b, from, emit)
	mark = len(b.b)
	s.diffRows(b, from)
	emit(mark)

	// What the cursor, pen and modes were.
	mark = len(b.b)
	if s.cur.saved != from.cur.saved {
		s.repaintSaved(b, s.cur.saved) // the region is still the whole screen here
	}
	if from.lastChar != s.lastChar {
		s.repaintLastChar(b)
	}
	if from.title != s.title {
		b.str("\x1b]2;")
		b.str(s.title)
		b.str("\x1b\\")
	}
	if s.top != 0 || s.bottom != s.rows-1 {
		b.csi2(s.top+1, s.bottom+1, 'r')
	}
	if s.modes.Origin {
		b.str("\x1b[?6h")
	}
	x := s.x
	if s.wrapnext {
		// Print the last cell again, so the terminal waits to wrap too (as a repaint).
		cells := s.cur.lines[s.y].cells
		if cells[x].IsWideTail() && x > 0 {
			x--
		}
		s.originCup(b, x, s.y)
		b.cell(cells[x])
	} else {
		s.originCup(b, x, s.y)
	}
	b.style(s.pen)
	s.repaintCharsets(b, s.cursor)
	if s.modes.Insert {
		b.str("\x1b[4h")
	}
	if s.modes.CursorVisible {
		b.str("\x1b[?25h")
	}
	emit(mark)
	return r.b
}

// diffScroll scrolls from's active screen up when more of s's rows are from's rows moved
// up (output that scrolled) than are in place, so only the new rows are drawn.
func (s *Screen) diffScroll(b *repainter, from *Screen, emit func(int)) {
	n := s.rows
	if n < 4 {
		return
	}
	now := make([]uint64, n)
	was := make([]uint64, n)
	for y := range n {
		now[y] = rowHash(s.cur.lines[y])
		was[y] = rowHash(from.cur.lines[y])
	}
	blankRow := rowHash(line{cells: make([]Cell, s.cols)})
	matches := func(k int) int {
		m := 0
		for y := 0; y+k < n; y++ {
			if now[y] == was[y+k] && now[y] != blankRow {
				m++
			}
		}
		return m
	}
	best, bestMatch := 0, matches(0)
	for k := 1; k < n; k++ {
		if m := matches(k); m > bestMatch {
			best, bestMatch = k, m
		}
	}
	if best == 0 || bestMatch < n/4 {
		return
	}
	// Within a region of exactly our rows, for a terminal taller than the screen.
	mark := len(b.b)
	b.csi2(1, n, 'r')
	b.cup(0, n-1)
	for range best {
		b.b = append(b.b, '\n')
	}
	b.str("\x1b[r")
	emit(mark)
}

// diffRows draws the rows of s's active screen that differ from from's.
func (s *Screen) diffRows(b *repainter, from *Screen) {
	for y := range s.rows {
		now, was := s.cur.lines[y], from.cur.lines[y]
		if sameRow(now, was) {
			continue
		}
		x0 := 0
		for x0 < s.cols && sameCell(now.cells[x0], was.cells[x0]) {
			x0++
		}
		x1 := s.cols - 1
		for x1 > x0 && sameCell(now.cells[x1], was.cells[x1]) {
			x1--
		}
		wraps := now.wrapped && y < s.rows-1 && s.modes.Autowrap
		end := s.cols // s's row is cells never printed on from end on
		for end > 0 && now.cells[end-1] == (Cell{}) {
			end--
		}
		erase := false
		unwrap := -1 // where an erase takes the continued mark off the row
		switch {
		case wraps:
			// Print to the last column and on into the next row: the terminal marks
			// the row as continued, as autowrap did here.
			x0, x1 = min(x0, s.cols-1), s.cols-1
		case was.wrapped && !now.wrapped:
			// Only an erase to the end of the row takes the mark off: erase from the
			// end of the text (or the last cell) and print what it erased again.
			unwrap = min(end, s.cols-1)
			x0, x1 = min(x0, unwrap), end-1
		case x1 >= end:
			x1, erase = end-1, end < s.cols
		}
		if unwrap >= 0 {
			b.cup(unwrap, y)
			b.style(Style{})
			b.str("\x1b[K")
		}
		if x0 > 0 && x0 < s.cols && now.cells[x0].IsWideTail() {
			x0--
		}
		if x1+1 < s.cols && now.cells[max(x1, 0)].Width() == 2 {
			x1++
		}
		if x0 <= x1 {
			b.cup(x0, y)
			for x := x0; x <= x1; x++ {
				if c := now.cells[x]; !c.IsWideTail() {
					b.cell(c)
				}
			}
		}
		if wraps {
			b.cell(s.cur.lines[y+1].cells[0])
		}
		if erase {
			if x0 > x1 {
				b.cup(end, y)
			}
			b.style(Style{})
			b.str("\x1b[K")
		}
	}
}

// Ground reports whether the screen is between escape sequences and characters: no
// sequence or UTF-8 character is half read. Output written after that point can be
// sent on to a terminal that was given an update (or a repaint) taken at that point.
func (s *Screen) Ground() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state == stGround && s.utf8n == 0
}
