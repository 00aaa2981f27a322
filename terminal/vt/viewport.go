package vt

import "slices"

// Viewport is a smaller terminal's view of a Screen: Cols x Rows cells of the screen's
// active buffer from column X, row Y, as tmux shows a pane larger than its client. By
// default it follows the cursor: it moves as little as it must to keep the cursor in
// view. Pan moves it by hand (and stops the following until Follow).
//
// AppendViewport draws it and remembers what it drew, so that the next call sends only
// the rows that changed. A Viewport is used by one goroutine at a time.
type Viewport struct {
	X, Y       int // the screen's cell shown at the view's top left
	Cols, Rows int // the terminal's size

	panned bool // moved by hand: the cursor no longer moves it

	drawn   [][]Cell // the rows the terminal shows; nil: draw everything next
	modes   Modes    // the modes it was told
	title   string
	shape   int
	cursorX int // where the cursor was left, -1 hidden
	cursorY int
}

// NewViewport returns a viewport for a terminal of cols x rows, following the cursor.
func NewViewport(cols, rows int) *Viewport {
	cols, rows = clampSize(cols, rows)
	return &Viewport{Cols: cols, Rows: rows}
}

// Resize makes the view cols x rows; the next draw redraws everything.
func (v *Viewport) Resize(cols, rows int) {
	v.Cols, v.Rows = clampSize(cols, rows)
	v.drawn = nil
}

// Redraw makes the next draw start from a terminal in any state (after something else
// was written to it).
func (v *Viewport) Redraw() { v.drawn = nil }

// Pan moves the view dx columns right and dy rows down (kept inside the screen when it
// is drawn); the cursor no longer moves it, until Follow.
func (v *Viewport) Pan(dx, dy int) {
	v.X += dx
	v.Y += dy
	v.panned = true
}

// AppendCursor appends what puts the cursor back where the last draw left it (hidden,
// if it was), after something else was drawn on the view's terminal (a notice on its
// bottom row); nothing before the first draw, which places it itself.
func (v *Viewport) AppendCursor(dst []byte) []byte {
	switch {
	case v.drawn == nil:
		return dst
	case v.cursorX < 0:
		return append(dst, "\x1b[?25l"...)
	}
	r := repainter{b: dst}
	r.cup(v.cursorX, v.cursorY)
	return r.b
}

// Follow makes the view follow the cursor again.
func (v *Viewport) Follow() { v.panned = false }

// Following reports whether the view follows the cursor.
func (v *Viewport) Following() bool { return !v.panned }

// viewPreamble puts a terminal in any state into one to draw a view on: primary screen,
// no margins or region, origin mode and insert off, autowrap on, ASCII, no link, default
// pen, cleared.
const viewPreamble = "\x1b[?1049l\x1b[0\"q\x1b[?69l\x1b[r\x1b[?6l\x1b[?7h\x1b[4l\x1b[20l" +
	"\x1b(B\x1b)B\x0f\x1b]8;;\x1b\\\x1b[0m\x1b[H\x1b[2J"

// AppendViewport appends to dst what makes v's terminal show its part of the screen
// (moved to keep the cursor in view unless panned), and returns dst. The first call, and
// the first after Redraw or Resize, draws everything; later ones only the rows that
// changed since. The terminal gets the modes that change what it sends (cursor and
// keypad keys, bracketed paste, focus events), the cursor (hidden while out of view),
// its shape and the title, never the mouse modes (its coordinates would be the view's)
// nor the scroll region. Double-width and double-height lines show as single ones.
func (s *Screen) AppendViewport(dst []byte, v *Viewport) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.placeView(v)
	r := repainter{b: dst}
	full := v.drawn == nil || len(v.drawn) != v.Rows
	if full {
		r.str(viewPreamble)
		v.drawn = make([][]Cell, v.Rows)
	}
	row := make([]Cell, v.Cols)
	for i := range v.Rows {
		s.viewRow(row, v.X, v.Y+i)
		if !full && slices.Equal(row, v.drawn[i]) {
			continue
		}
		v.drawn[i] = append(v.drawn[i][:0], row...)
		last := len(row)
		for last > 0 && blank(row[last-1]) {
			last--
		}
		if full && last == 0 {
			continue // cleared already
		}
		r.cup(0, i)
		for _, c := range row[:last] {
			if !c.IsWideTail() {
				r.cell(c)
			}
		}
		if last < len(row) {
			r.style(Style{})
			r.str("\x1b[K")
		}
	}
	r.style(Style{})
	s.viewModes(&r, v, full)
	return r.b
}

// PlaceViewport moves v where the next draw will have it (see placeView): a Pan after
// it starts from where the view shows the cursor now.
func (s *Screen) PlaceViewport(v *Viewport) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.placeView(v)
}

// placeView keeps v inside the screen and, unless it was panned, moves it as little as
// it must to show the cursor (as tmux does), but to the left edge when the cursor goes
// back to where that shows it. s.mu is held.
func (s *Screen) placeView(v *Viewport) {
	w, h := min(v.Cols, s.cols), min(v.Rows, s.rows)
	if !v.panned {
		if s.x < v.X {
			v.X = s.x
			if s.x < w {
				v.X = 0 // the start of the line, where text begins
			}
		} else if s.x >= v.X+w {
			v.X = s.x - w + 1
		}
		if s.y < v.Y {
			v.Y = s.y
		} else if s.y >= v.Y+h {
			v.Y = s.y - h + 1
		}
	}
	v.X = min(max(v.X, 0), s.cols-w)
	v.Y = min(max(v.Y, 0), s.rows-h)
}

// viewRow fills row with the screen's cells of row y from column x, blank beyond the
// screen; a wide character cut by either edge of the view shows as a blank. s.mu is held.
func (s *Screen) viewRow(row []Cell, x, y int) {
	clear(row)
	if y < 0 || y >= s.rows {
		return
	}
	cells := s.cur.lines[y].cells
	for i := range row {
		if x+i < len(cells) {
			row[i] = cells[x+i]
		}
	}
	if len(row) > 0 && row[0].IsWideTail() {
		row[0] = Cell{st: Style{BG: row[0].st.BG}}
	}
	if n := len(row); n > 0 && row[n-1].Width() == 2 && !row[n-1].IsWideTail() {
		row[n-1] = Cell{st: Style{BG: row[n-1].st.BG}}
	}
}

// viewModes tells the terminal the modes, shape and title that changed (all of them on a
// full draw), and leaves its cursor where the screen's is, or hidden when that is out of
// view. s.mu is held.
func (s *Screen) viewModes(r *repainter, v *Viewport, full bool) {
	m := s.modes
	flag := func(on, was bool, set, reset string) {
		if full || on != was {
			if on {
				r.str(set)
			} else {
				r.str(reset)
			}
		}
	}
	was := v.modes
	flag(m.AppCursor, was.AppCursor, "\x1b[?1h", "\x1b[?1l")
	flag(m.AppKeypad, was.AppKeypad, "\x1b=", "\x1b>")
	flag(m.ReverseVideo, was.ReverseVideo, "\x1b[?5h", "\x1b[?5l")
	flag(m.CursorBlink, was.CursorBlink, "\x1b[?12h", "\x1b[?12l")
	flag(m.BracketedPaste, was.BracketedPaste, "\x1b[?2004h", "\x1b[?2004l")
	flag(m.FocusEvents, was.FocusEvents, "\x1b[?1004h", "\x1b[?1004l")
	v.modes = m
	if full || s.cursorStyle != v.shape {
		r.csi1(s.cursorStyle, " q")
		v.shape = s.cursorStyle
	}
	if full || s.title != v.title {
		r.str("\x1b]2;")
		r.str(s.title)
		r.str("\x1b\\")
		v.title = s.title
	}
	cx, cy := s.x-v.X, s.y-v.Y
	if cx < 0 || cx >= v.Cols || cy < 0 || cy >= v.Rows || !m.CursorVisible {
		r.str("\x1b[?25l")
		v.cursorX, v.cursorY = -1, -1
		return
	}
	r.cup(cx, cy)
	if full || v.cursorX < 0 {
		r.str("\x1b[?25h")
	}
	v.cursorX, v.cursorY = cx, cy
}
