package vt

import "unicode/utf8"

// StatePreamble puts a terminal that shows this screen in the state AppendCursorState
// starts from, for drawing something of its own outside the screen (a status line on a
// row below it): no hyperlink, the default pen, insert mode, autowrap, origin mode and
// left and right margins off, ASCII in G0 and G0 in use, the cursor hidden.
const StatePreamble = "\x1b]8;;\x1b\\\x1b[0m\x1b[4l\x1b[?7l\x1b[?6l\x1b[?69l\x1b(B\x0f\x1b[?25l"

// AppendCursorState appends what puts a terminal that shows this screen back in the
// screen's state after something was drawn outside it (see StatePreamble): the margins and
// the scroll region, origin mode, autowrap, the cursor (position, a pending wrap,
// visibility), the pen, the character sets, insert mode, and the last character printed
// (which REP repeats): that one is printed on the spare cell (spareX, spareY, 0-based and
// absolute, a blank cell of the terminal outside the screen) and erased again. The
// terminal's saved cursor (DECSC) is left alone, so a program's ESC 7 ... ESC 8 around it
// still works. Single shifts waiting for their character are not reproduced.
func (s *Screen) AppendCursorState(dst []byte, spareX, spareY int) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := repainter{b: dst}
	if s.lastChar != 0 && runeWidth(s.lastChar) == 1 && spareX >= 0 && spareY >= 0 {
		r.cup(spareX, spareY)
		r.b = utf8.AppendRune(r.b, s.lastChar)
		r.cup(spareX, spareY)
		r.str("\x1b[X")
	}
	m := s.modes
	if m.LeftRightMargins {
		r.str("\x1b[?69h")
		if !s.fullWidth() {
			r.csi2(s.left+1, s.right+1, 's')
		}
	}
	r.csi2(s.top+1, s.bottom+1, 'r')
	if m.Origin {
		r.str("\x1b[?6h")
	}
	if m.Autowrap {
		r.str("\x1b[?7h")
	}
	x, y := s.x, s.y
	if s.wrapnext && m.Autowrap {
		// Print the last cell again so the terminal is left waiting to wrap, as we are.
		cells := s.cur.lines[s.y].cells
		if cells[x].IsWideTail() && x > 0 {
			x--
		}
		s.originCup(&r, x, y)
		r.cell(cells[x])
	} else {
		s.originCup(&r, x, y)
	}
	r.style(s.pen)
	s.repaintCharsets(&r, s.cursor)
	if m.Insert {
		r.str("\x1b[4h")
	}
	if m.CursorVisible {
		r.str("\x1b[?25h")
	}
	return r.b
}
