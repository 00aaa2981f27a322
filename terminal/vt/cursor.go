package vt

// Cursor movement. Coordinates are 0-based; the scroll region is rows top..bottom and
// the margins columns left..right, inclusive. A cursor outside the margins (reached by
// absolute moves while origin mode is off) is not held to them, as in xterm.

func (s *Screen) carriageReturn() {
	if s.modes.Origin || s.x >= s.left {
		s.x = s.left
	} else {
		s.x = 0
	}
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
		if s.insideMargins() {
			s.scrollUp(s.top, s.bottom, 1)
		}
	case s.y < s.rows-1:
		s.y++
		s.clampToLine()
	}
}

// clampToLine keeps the cursor inside the half of a double-width row that is shown, as
// DEC's terminals do, and drops a pending wrap that is no longer at the row's right edge;
// it is called wherever the cursor's row or margins change under it.
func (s *Screen) clampToLine() {
	if s.sized && s.cur.lines[s.y].attr != LineSingle {
		s.x = min(s.x, s.lineCols(s.y)-1)
	}
	if s.wrapnext && s.x != s.rightEdge() {
		s.wrapnext = false
	}
}

func (s *Screen) reverseIndex() {
	s.wrapnext = false
	switch {
	case s.y == s.top:
		if s.insideMargins() {
			s.scrollDown(s.top, s.bottom, 1)
		}
	case s.y > 0:
		s.y--
		s.clampToLine()
	}
}

// insideMargins reports whether the cursor's column is within the left and right margins.
func (s *Screen) insideMargins() bool { return s.x >= s.left && s.x <= s.right }

// lineCols returns how many columns row y shows: half of them on a double-width line.
func (s *Screen) lineCols(y int) int {
	if s.sized && s.cur.lines[y].attr != LineSingle {
		return max(s.cols/2, 1)
	}
	return s.cols
}

// rightEdge is the last column text printed at the cursor may use: the right margin, or
// the screen's edge for a cursor right of it.
func (s *Screen) rightEdge() int {
	e := s.cols - 1
	if s.x <= s.right {
		e = s.right
	}
	return min(e, s.lineCols(s.y)-1)
}

// backspace moves one column left (see cursorBack). A pending wrap is dropped and the
// cursor still moves, from the last column to the one before, as in xterm, the VT
// terminals and VTE (tmux and rxvt only drop the pending wrap).
func (s *Screen) backspace() { s.cursorBack(1) }

// cursorBack is CUB and BS: n columns left, stopping at the left margin (or the screen's
// edge for a cursor left of it). With reverse wraparound (?45 or ?1045, with autowrap) it
// goes on at the end of the row above, and from the first row of the scroll region (or
// screen) to the last, as xterm 379 does for ?45 (later xterms wrap from the top row only
// with ?1045, their extension; vt does it for both).
func (s *Screen) cursorBack(n int) {
	m := s.modes
	rev := (m.ReverseWrap || m.ReverseWrapExt) && m.Autowrap
	if rev && s.wrapnext {
		n-- // the pending wrap counts as one step, as in xterm
	}
	s.wrapnext = false
	left, right := s.left, s.right
	if s.x < left {
		left = 0
	}
	if s.x > right {
		right = s.cols - 1
	}
	if s.x-n >= left || !rev {
		s.x = max(s.x-n, min(left, s.x))
		return
	}
	top, bot := 0, s.rows-1
	if s.y >= s.top && s.y <= s.bottom {
		top, bot = s.top, s.bottom
	}
	width := right - left + 1
	total := (bot - top + 1) * width
	off := ((s.y-top)*width + s.x - left - n) % total
	if off < 0 {
		off += total
	}
	s.y, s.x = top+off/width, left+off%width
	s.clampToLine()
}

// tab moves to the n-th next tab stop (or back for negative n), stopping at the right
// margin (with DECLRMM) or the line's edge, and at the left margin in origin mode.
func (s *Screen) tab(n int) {
	if s.wrapnext {
		if !s.modes.CursesFix {
			return
		}
		s.wrap() // ?41: a tab after a full line goes on from the next one
	}
	last := s.lineCols(s.y) - 1
	if s.modes.LeftRightMargins && s.x <= s.right {
		last = min(last, s.right)
	}
	for ; n > 0 && s.x < last; n-- {
		s.x++
		for s.x < last && !s.tabs[s.x] {
			s.x++
		}
	}
	first := 0
	if s.modes.Origin {
		first = s.left
	}
	for ; n < 0 && s.x > first; n++ {
		s.x--
		for s.x > first && !s.tabs[s.x] {
			s.x--
		}
	}
}

// moveTo places the cursor at column x, row y, relative to the scroll region and margins
// in origin mode, clamped to the screen (or to them).
func (s *Screen) moveTo(x, y int) {
	top, bot, left, right := 0, s.rows-1, 0, s.cols-1
	if s.modes.Origin {
		top, bot, left, right = s.top, s.bottom, s.left, s.right
		y += top
		x += left
	}
	s.y = min(max(y, top), bot)
	s.x = min(max(x, left), right, s.lineCols(s.y)-1)
	s.wrapnext = false
}

// moveColumn is CHA and HPA: column x of the cursor's row (origin mode: from the left margin).
func (s *Screen) moveColumn(x int) {
	left, right := 0, s.cols-1
	if s.modes.Origin {
		left, right = s.left, s.right
		x += left
	}
	s.x = min(max(x, left), right, s.lineCols(s.y)-1)
	s.wrapnext = false
}

// moveRow is VPA: row y, the column kept (origin mode: from the top margin).
func (s *Screen) moveRow(y int) {
	top, bot := 0, s.rows-1
	if s.modes.Origin {
		top, bot = s.top, s.bottom
		y += top
	}
	s.y = min(max(y, top), bot)
	s.x = min(s.x, s.lineCols(s.y)-1)
	s.wrapnext = false
}

// moveRows moves the cursor n rows (negative is up). As in xterm, moving down stops at
// the scroll region's bottom from anywhere above it (above the region too), moving up at
// its top from anywhere below it; else at the screen's edge.
func (s *Screen) moveRows(n int) {
	top, bot := 0, s.rows-1
	if n > 0 && s.y <= s.bottom {
		bot = s.bottom
	}
	if n < 0 && s.y >= s.top {
		top = s.top
	}
	s.y = min(max(s.y+n, top), bot)
	s.x = min(s.x, s.lineCols(s.y)-1)
	s.wrapnext = false
}

// moveCols is CUF (and CUB without reverse wraparound): it stops at the margin the
// cursor starts inside of, else at the screen's edge.
func (s *Screen) moveCols(n int) {
	if n < 0 {
		left := s.left
		if s.x < left {
			left = 0
		}
		s.x = max(s.x+n, left)
	} else {
		right := s.cols - 1
		if s.x <= s.right {
			right = s.right
		}
		s.x = min(s.x+n, right, s.lineCols(s.y)-1)
	}
	s.wrapnext = false
}
