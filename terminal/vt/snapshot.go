package vt

import "strings"

// Snapshot is a copy of what a renderer needs, taken under the Screen's lock so it can be
// drawn without holding it. Reuse one Snapshot across frames: Screen.Snapshot copies only
// the rows that changed since the last call and reuses the row buffers.
type Snapshot struct {
	Cols, Rows int
	// Lines are the rows of the active screen; Dirty[y] says row y changed since the
	// previous Snapshot into this value (all rows are dirty the first time).
	Lines [][]Cell
	Dirty []bool
	// Wrapped[y] says row y continues on row y+1 (autowrap).
	Wrapped []bool
	// Sizes[y] is row y's size: double-width rows show only their first Cols/2 cells.
	Sizes []LineSize
	// Palette holds the colours to draw with: indexed colours, default foreground and
	// background, cursor (the defaults from SetDefaultColors, with the program's changes).
	Palette Palette

	CursorX, CursorY int
	CursorVisible    bool
	CursorStyle      int
	Modes            Modes
	AltScreen        bool
	Title            string
	// Scrollback is the number of lines in the scrollback (read with Screen.Scrollback).
	Scrollback int
	// Scrolled counts the lines that ever scrolled off the top of the primary screen, so
	// row y is line Scrolled+y and scrollback line i is line Scrolled-Scrollback+i of
	// one numbering that does not move as output arrives (a selection's anchor).
	Scrolled uint64
}

// Snapshot copies the screen into dst and reports whether anything changed since the last
// call. Dirty tracking is shared: one renderer per Screen should call it.
func (s *Screen) Snapshot(dst *Snapshot) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := s.changed
	all := s.allDirty || dst.Cols != s.cols || dst.Rows != s.rows || len(dst.Lines) != s.rows
	if all {
		dst.Cols, dst.Rows = s.cols, s.rows
		dst.Lines = resizeRowsOf(dst.Lines, s.rows)
		if len(dst.Dirty) != s.rows {
			dst.Dirty = make([]bool, s.rows)
			dst.Wrapped = make([]bool, s.rows)
			dst.Sizes = make([]LineSize, s.rows)
		}
		dst.Palette = s.colors.value // palette changes mark everything dirty
		changed = true
	}
	for y := range s.rows {
		d := all || s.dirty[y]
		dst.Dirty[y] = d
		if d {
			dst.Lines[y] = append(dst.Lines[y][:0], s.cur.lines[y].cells...)
		}
		dst.Wrapped[y] = s.cur.lines[y].wrapped
		dst.Sizes[y] = s.cur.lines[y].attr
		s.dirty[y] = false
	}
	dst.CursorX, dst.CursorY = s.x, s.y
	dst.CursorVisible = s.modes.CursorVisible
	dst.CursorStyle = s.cursorStyle
	dst.Modes = s.modes
	dst.AltScreen = s.altActive
	dst.Title = s.title
	dst.Scrollback = s.history.n
	dst.Scrolled = s.scrolled
	s.allDirty, s.changed = false, false
	return changed
}

func resizeRowsOf(ls [][]Cell, n int) [][]Cell {
	if cap(ls) >= n {
		return ls[:n]
	}
	out := make([][]Cell, n)
	copy(out, ls)
	return out
}

// ScrollbackLen returns the number of lines in the scrollback.
func (s *Screen) ScrollbackLen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.history.n
}

// Scrollback appends scrollback line i (0 is the oldest) to dst and returns it, with
// whether the line continued on the next one. Lines have the screen's width: the
// scrollback is reflowed with it.
func (s *Screen) Scrollback(i int, dst []Cell) ([]Cell, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || i >= s.history.n {
		return dst, false
	}
	l := s.history.at(i)
	return append(dst, l.cells...), l.wrapped
}

// Row appends row y of the active screen to dst and returns it, with whether the row
// continues on the next one.
func (s *Screen) Row(y int, dst []Cell) ([]Cell, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if y < 0 || y >= s.rows {
		return dst, false
	}
	l := s.cur.lines[y]
	return append(dst, l.cells...), l.wrapped
}

// LineText returns row y of the active screen as text, trailing blanks trimmed.
func (s *Screen) LineText(y int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if y < 0 || y >= s.rows {
		return ""
	}
	return cellsText(s.cur.lines[y].cells)
}

// Text returns the active screen as text, one line per row, trailing blanks trimmed.
func (s *Screen) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for y := range s.rows {
		b.WriteString(cellsText(s.cur.lines[y].cells))
		b.WriteByte('\n')
	}
	return b.String()
}

// cellsText turns cells into text: empty cells are spaces, wide tails add nothing,
// trailing spaces are trimmed.
func cellsText(cells []Cell) string {
	var b strings.Builder
	for _, c := range cells {
		switch {
		case c.IsWideTail():
		case c.r == 0:
			b.WriteByte(' ')
		case c.r < 0x80:
			b.WriteByte(byte(c.r))
		default:
			b.WriteString(c.String())
		}
	}
	return strings.TrimRight(b.String(), " ")
}
