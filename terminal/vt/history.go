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
