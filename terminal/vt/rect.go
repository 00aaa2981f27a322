package vt

import "strconv"

// VT420 rectangular area operations: DECCRA, DECFRA, DECERA, DECSERA, DECCARA, DECRARA
// and DECRQCRA. Rectangles are given as top;left;bottom;right (1-based, relative to the
// region and margins in origin mode, clipped to the screen).

type rect struct{ top, left, bottom, right int } // 0-based, inclusive

// rectAt reads the rectangle in parameters i..i+3.
func (s *Screen) rectAt(i int) (rect, bool) {
	r := rect{s.arg(i, 1) - 1, s.arg(i+1, 1) - 1, s.arg(i+2, s.rows) - 1, s.arg(i+3, s.cols) - 1}
	maxY, maxX := s.rows-1, s.cols-1
	if s.modes.Origin {
		r.top += s.top
		r.bottom += s.top
		r.left += s.left
		r.right += s.left
		maxY, maxX = s.bottom, s.right
	}
	r.bottom, r.right = min(r.bottom, maxY), min(r.right, maxX)
	return r, r.top <= r.bottom && r.left <= r.right
}

// rectOp dispatches the rectangle sequences (CSI ... $ or * final).
func (s *Screen) rectOp(inter, final byte) {
	switch {
	case inter == '$' && final == 'x': // DECFRA
		ch := s.arg(0, 0)
		if r, ok := s.rectAt(1); ok && (ch >= 32 && ch <= 126 || ch >= 160 && ch <= 255) {
			pen := s.pen
			pen.Attr &^= cellFlags
			s.eachCell(r, false, func(c *Cell) { *c = Cell{r: rune(ch), st: pen} })
		}
	case inter == '$' && final == 'z': // DECERA: spaces, as in xterm
		if r, ok := s.rectAt(0); ok {
			b := Cell{r: ' ', st: Style{BG: s.pen.BG}}
			s.eachCell(r, false, func(c *Cell) { *c = b })
		}
	case inter == '$' && final == '{': // DECSERA: spaces, attributes kept
		if r, ok := s.rectAt(0); ok {
			s.eachCell(r, false, func(c *Cell) {
				if c.st.Attr&attrProtected == 0 {
					*c = selectiveBlank(*c)
				}
			})
		}
	case inter == '$' && (final == 'r' || final == 't'): // DECCARA, DECRARA
		if r, ok := s.rectAt(0); ok {
			s.changeAttrs(r, final == 't')
		}
	case inter == '$' && final == 'v': // DECCRA
		s.copyRect()
	case inter == '*' && final == 'y': // DECRQCRA
		s.checksumReport()
	}
}

// eachCell calls f for the cells of r (as a stream from its top left to its bottom right
// with stream set), then mends wide characters cut at its edges.
func (s *Screen) eachCell(r rect, stream bool, f func(*Cell)) {
	for y := r.top; y <= r.bottom; y++ {
		from, to := r.left, r.right
		if stream {
			from, to = 0, s.cols-1
			if y == r.top {
				from = r.left
			}
			if y == r.bottom {
				to = r.right
			}
		}
		cells := s.cur.lines[y].cells
		for x := from; x <= to; x++ {
			f(&cells[x])
		}
		fixWideEdges(cells, from, to)
		s.markDirty(y)
	}
}

// sgrToggles are the attributes DECCARA sets and clears and DECRARA reverses.
var sgrToggles = map[int32]Attr{1: Bold, 4: Underline, 5: Blink, 7: Inverse, 8: Hidden}

// changeAttrs is DECCARA (or DECRARA with reverse set) with the SGR parameters from the
// fifth on, over the rectangle or, after DECSACE 0 or 1, the stream of cells.
func (s *Screen) changeAttrs(r rect, reverse bool) {
	var on, off, flip Attr
	all := Bold | Underline | Blink | Inverse | Hidden
	if s.nparams <= 4 {
		if reverse {
			flip = all
		} else {
			off = all
		}
	}
	for i := 4; i < s.nparams; i++ {
		v := s.params[i]
		switch {
		case v == 0 && reverse:
			flip = all
		case v == 0:
			on, off = 0, all
		case reverse:
			flip |= sgrToggles[v]
		case sgrToggles[v] != 0:
			on |= sgrToggles[v]
			off &^= sgrToggles[v]
		case v == 22:
			off |= Bold
			on &^= Bold
		case v >= 24 && v <= 28 && sgrToggles[v-20] != 0:
			off |= sgrToggles[v-20]
			on &^= sgrToggles[v-20]
		}
	}
	// Underline stands for every underline style: setting it replaces a double or curly
	// one, clearing or reversing it takes any away.
	const anyUnderline = Underline | DoubleUnderline | CurlyUnderline
	if (on|off)&Underline != 0 {
		off |= anyUnderline &^ on
	}
	flipUnderline := flip&Underline != 0
	flip &^= Underline
	s.eachCell(r, !s.rectExtent, func(c *Cell) {
		if c.st.Attr&attrWideTail != 0 {
			return
		}
		a := (c.st.Attr&^off | on) ^ flip
		if flipUnderline {
			if a&anyUnderline != 0 {
				a &^= anyUnderline
			} else {
				a |= Underline
			}
		}
		c.st.Attr = a
	})
	// The right half of a wide character is drawn as its left half is.
	for y := r.top; y <= r.bottom; y++ {
		cells := s.cur.lines[y].cells
		for x := 0; x+1 < len(cells); x++ {
			if cells[x].st.Attr&attrWide != 0 {
				cells[x+1].st.Attr = cells[x].st.Attr&^attrWide | attrWideTail
			}
		}
	}
}

// copyRect is DECCRA: the source rectangle is copied to the destination's top left
// (pages are ignored: there is one), clipped to the screen.
func (s *Screen) copyRect() {
	src, ok := s.rectAt(0)
	if !ok {
		return
	}
	dy, dx := s.arg(5, 1)-1, s.arg(6, 1)-1
	maxY, maxX := s.rows-1, s.cols-1
	if s.modes.Origin {
		dy, dx = dy+s.top, dx+s.left
		maxY, maxX = s.bottom, s.right
	}
	if dy > maxY || dx > maxX {
		return
	}
	h := min(src.bottom-src.top, maxY-dy) + 1
	w := min(src.right-src.left, maxX-dx) + 1
	tmp := make([]Cell, 0, h*w)
	for y := range h {
		tmp = append(tmp, s.cur.lines[src.top+y].cells[src.left:src.left+w]...)
	}
	for y := range h {
		cells := s.cur.lines[dy+y].cells
		copy(cells[dx:dx+w], tmp[y*w:(y+1)*w])
		fixWideEdges(cells, dx, dx+w-1)
		s.markDirty(dy + y)
	}
}

// checksumReport is DECRQCRA: DCS Pi ! ~ XXXX ST, xterm's checksum of the rectangle in
// parameters 2-5: the sum of each cell's character (its low 8 bits, without combining
// marks; 0xFF for the right half of a wide one; nothing for an empty cell) and its VT100
// attributes, negated.
func (s *Screen) checksumReport() {
	var sum uint32
	if r, ok := s.rectAt(2); ok {
		for y := r.top; y <= r.bottom; y++ {
			for _, c := range s.cur.lines[y].cells[r.left : r.right+1] {
				sum += cellChecksum(c)
			}
		}
	}
	v := -sum & 0xFFFF
	hex := strconv.FormatUint(uint64(v), 16)
	b := []byte("\x1bP")
	b = strconv.AppendInt(b, int64(s.arg(0, 0)), 10)
	b = append(b, "!~"...)
	for range 4 - len(hex) {
		b = append(b, '0')
	}
	for _, h := range []byte(hex) {
		if h >= 'a' {
			h -= 'a' - 'A'
		}
		b = append(b, h)
	}
	s.sendReplyBytes(append(b, "\x1b\\"...))
}

func cellChecksum(c Cell) uint32 {
	var v uint32
	switch {
	case c.st.Attr&attrWideTail != 0:
		v = 0xFF
	case c.r == 0 && c.st.BG.IsDefault():
		return 0
	case c.r == 0:
		v = ' ' // erased with a background: xterm counts the space
	default:
		v = uint32(c.Rune()) & 0xFF
	}
	a := c.st.Attr
	if a&Underline != 0 {
		v += 0x10
	}
	if a&Inverse != 0 {
		v += 0x20
	}
	if a&Blink != 0 {
		v += 0x40
	}
	if a&Bold != 0 {
		v += 0x80
	}
	return v
}
