package terminal

// A shared session is as small as its smallest typing client, so the host's widget may be
// larger than the session: its stream (a sizedStream) says the size each piece of output
// is for, the widget's screen takes it (see readLoop), and the grid beyond the screen is
// drawn as outside the session.

// sessionArea returns the part of the grid the program uses: all of it, unless the
// screen is smaller (a session made smaller by another client).
func (t *Terminal) sessionArea() [2]int {
	if t.snap.Cols >= t.cols && t.snap.Rows >= t.rows {
		return [2]int{}
	}
	return [2]int{t.snap.Cols, t.snap.Rows}
}

// GridSize returns the columns and rows the widget shows (the screen may be smaller: see
// ScreenSize).
func (t *Terminal) GridSize() (cols, rows int) {
	g := t.grid.Load()
	return int(g >> 32), int(g & 0xffffffff)
}

// ScreenSize returns the size of the screen the widget draws: the grid's, or a shared
// session's when another client made it smaller.
func (t *Terminal) ScreenSize() (cols, rows int) { return t.screen.Size() }
