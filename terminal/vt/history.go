package vt

// history is the scrollback: a ring of the lines that scrolled off the top of the primary
// screen, oldest first. Lines keep the width they had when they left the screen.
type history struct {
	lines []line // ring storage, grows up to max
	start int    // index of the oldest line
	n     int    // lines held
	max   int
}

// push appends l and returns a line the caller may reuse: the one evicted when the ring is
// full (or l itself when no scrollback is kept), else an empty line.
func (h *history) push(l line) line {
	if h.max == 0 {
		return l
	}
	if h.n < h.max {
		if len(h.lines) < h.max {
			h.lines = append(h.lines, l)
		} else {
			h.lines[(h.start+h.n)%h.max] = l
		}
		h.n++
		return line{}
	}
	old := h.lines[h.start]
	h.lines[h.start] = l
	h.start = (h.start + 1) % h.max
	return old
}

// pop removes and returns the newest line.
func (h *history) pop() (line, bool) {
	if h.n == 0 {
		return line{}, false
	}
	h.n--
	i := (h.start + h.n) % len(h.lines)
	l := h.lines[i]
	h.lines[i] = line{}
	return l, true
}

// at returns line i, 0 being the oldest.
func (h *history) at(i int) line {
	return h.lines[(h.start+i)%len(h.lines)]
}

func (h *history) clear() {
	h.lines, h.start, h.n = nil, 0, 0
}

// Scrolled returns how many lines ever left the top of the primary screen: the number the
// next one to leave gets, in the numbering AppendHistory and Snapshot.Scrolled use.
// Scrollback line i (0 the oldest) is line Scrolled()-ScrollbackLen()+i.
func (s *Screen) Scrolled() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scrolled
}

// ContinueScrolled makes n the number the next line to leave the top gets, for a screen
// that takes over from another one (a session moved between processes, its screen
// rebuilt from a repaint): the lines that scroll off it continue that screen's
// numbering. It does nothing once this screen has scrollback of its own.
func (s *Screen) ContinueScrolled(n uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.history.n == 0 {
		s.scrolled = n
	}
}

// HistoryOptions choose the scrollback lines AppendHistory sends, and describe the
// terminal they are for.
type HistoryOptions struct {
	// From is the first line the terminal lacks, numbered as Scrolled numbers them (0:
	// it has none).
	From uint64
	// Max sends only the newest Max of the lines chosen; 0 sends them all.
	Max int
	// Skip, if set, leaves out the lines it reports.
	Skip func(line uint64) bool
	// Cols and Rows are the size of the terminal; 0 means the screen's. Lines as wide as
	// the terminal that continued on the next one are sent so that they continue there
	// too; Rows says how many lines to push off the terminal's screen at the end.
	Cols, Rows int
}

// historyPreamble puts a terminal in a state to print plain lines in: the primary screen,
// no margins or region, an unprotected default pen, autowrap, ASCII, no link. Its screen
// is then cleared row by row (see AppendHistory).
const historyPreamble = "\x1b[?1049l\x1b[0\"q\x1b[?69l\x1b[r\x1b[?6l\x1b[?7h\x1b[4l\x1b[20l" +
	"\x1b(B\x1b)B\x1b*B\x1b+B\x0f\x1b]8;;\x1b\\\x1b[0m"

// AppendHistory appends to dst bytes that put scrollback lines into a terminal's own
// scrollback, oldest first, with their colours and attributes, and returns dst with the
// number of the line after the last one the terminal then has (Scrolled: what it
// lacks from then on). Written before a repaint, they give a partner who joins late the
// history the screen scrolled past: the lines are printed from the top of the terminal's
// screen and pushed off it by line feeds, so that any terminal (xterm, tmux, Duet's)
// keeps them as its own scrollback.
//
// The terminal's screen is cleared row by row first, not with ED: tmux keeps what an ED
// clears in its history, which would put the terminal's old screen (after a reconnect:
// the lines it showed, which the history sends again) in the middle. It ends with an
// empty screen. Nothing is appended when no line is chosen.
func (s *Screen) AppendHistory(dst []byte, o HistoryOptions) ([]byte, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &s.history
	cols, rows := o.Cols, o.Rows
	if cols <= 0 {
		cols = s.cols
	}
	if rows <= 0 {
		rows = s.rows
	}
	first := s.scrolled - uint64(h.n) // the number of the oldest line kept
	start := 0
	if o.From > first {
		start = int(min(o.From-first, uint64(h.n)))
	}
	var picked []int
	for i := start; i < h.n; i++ {
		if o.Skip == nil || !o.Skip(first+uint64(i)) {
			picked = append(picked, i)
		}
	}
	if o.Max > 0 && len(picked) > o.Max {
		picked = picked[len(picked)-o.Max:]
	}
	if len(picked) == 0 {
		return dst, s.scrolled
	}
	r := repainter{b: append(dst, historyPreamble...)}
	r.str("\x1b[H\x1b[2K\x1b#5")
	for range rows - 1 {
		r.str("\x1b[B\x1b[2K\x1b#5")
	}
	r.str("\x1b[H")
	printed := 0 // rows the cursor went down (or the screen scrolled) by
	for k, i := range picked {
		l := h.at(i)
		// A line as wide as the terminal that continues on the next one (and the next
		// one is sent) is printed to its end: the terminal wraps it, and marks it so.
		continues := l.wrapped && len(l.cells) == cols && k+1 < len(picked) && picked[k+1] == i+1
		end := len(l.cells)
		if !continues {
			for end > 0 && blank(l.cells[end-1]) {
				end--
			}
		}
		for x := 0; x < end; x++ {
			if c := l.cells[x]; !c.IsWideTail() {
				r.cell(c)
			}
		}
		// A line wider than the terminal wraps there.
		printed += max((end+cols-1)/cols, 1)
		if !continues {
			r.style(Style{}) // a line feed's new row takes the background in use
			r.str("\r\n")
		}
	}
	// Push the lines still on the screen off it: the repaint after clears it.
	onScreen := min(printed, rows-1)
	r.csi2(rows, 1, 'H')
	for range onScreen {
		r.b = append(r.b, '\n')
	}
	r.style(Style{})
	return r.b, s.scrolled
}
