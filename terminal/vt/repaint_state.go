package vt

import (
	"slices"
	"strconv"
)

// The parts of a repaint beyond the screens' cells: saved cursors, character sets, tab
// stops, palette changes, protection and the modes XTSAVE kept.

// repaintSaved reproduces a buffer's DECSC state with ESC 7.
func (s *Screen) repaintSaved(r *repainter, sv savedCursor) {
	if !sv.valid {
		return
	}
	r.cup(sv.cursor.x, sv.cursor.y)
	r.style(sv.cursor.pen)
	s.repaintCharsets(r, sv.cursor)
	if sv.origin {
		// ESC 7 records origin mode; set it just for the save.
		// The region is still the whole screen here, so the move is absolute.
		r.str("\x1b[?6h")
		r.cup(sv.cursor.x, sv.cursor.y)
	}
	r.str("\x1b7")
	if sv.origin {
		r.str("\x1b[?6l")
	}
	r.str("\x1b(B\x1b)B\x1b*B\x1b+B\x0f")
}

func (s *Screen) repaintCharsets(r *repainter, c cursor) {
	for i, cs := range c.charsets {
		if cs != 'B' {
			r.b = append(r.b, 0x1b, "()*+"[i], cs)
		}
	}
	switch c.gl {
	case 1:
		r.b = append(r.b, 0x0e) // SO
	case 2:
		r.str("\x1bn") // LS2
	case 3:
		r.str("\x1bo") // LS3
	}
}

// repaintTabs sets our tab stops, also the default ones: the terminal may have others.
func (s *Screen) repaintTabs(r *repainter) {
	r.str("\x1b[3g")
	for i, t := range s.tabs {
		if t {
			r.csi1(i+1, "G")
			r.str("\x1bH")
		}
	}
}

// repaintColors sets the palette entries and dynamic colours programs changed, after
// resetting all of them (the terminal may show changes of an earlier program).
func (s *Screen) repaintColors(r *repainter) {
	r.str("\x1b]104\x1b\\")
	for i := range 10 {
		r.str("\x1b]1")
		r.num(10 + i)
		r.str("\x1b\\")
	}
	c := &s.colors
	for i, set := range c.set {
		if !set {
			continue
		}
		if i < 256 {
			r.str("\x1b]4;")
			r.num(i)
		} else {
			r.str("\x1b]")
			r.num(i - SlotForeground + 10)
		}
		cr, cg, cb, _ := c.value[i].RGB()
		r.str(";rgb:")
		for k, v := range [3]uint8{cr, cg, cb} {
			if k > 0 {
				r.b = append(r.b, '/')
			}
			if v < 16 {
				r.b = append(r.b, '0')
			}
			r.b = strconv.AppendUint(r.b, uint64(v), 16)
		}
		r.str("\x1b\\")
	}
}

// repaintSavedModes makes the terminal's XTSAVE memory ours: each mode kept is set as it
// was saved and saved, then set back to its default (the modes are set at the end).
func (s *Screen) repaintSavedModes(r *repainter) {
	if len(s.savedModes) == 0 {
		return
	}
	modes := make([]int, 0, len(s.savedModes))
	for m := range s.savedModes {
		modes = append(modes, m)
	}
	slices.Sort(modes)
	def := New(1, 1, Options{Scrollback: -1})
	for _, m := range modes {
		hl := func(on bool) byte {
			if on {
				return 'h'
			}
			return 'l'
		}
		r.str("\x1b[?")
		r.num(m)
		r.b = append(r.b, hl(s.savedModes[m]))
		r.str("\x1b[?")
		r.num(m)
		r.b = append(r.b, 's')
		v, _ := def.privateMode(m)
		r.str("\x1b[?")
		r.num(m)
		r.b = append(r.b, hl(v))
	}
}

// repaintProtection leaves the terminal's protection as ours: DECSCA for the pen (the
// repainter used it for protected cells; the preamble put the terminal in that mode), or
// SPA and EPA once SPA was used.
func (s *Screen) repaintProtection(r *repainter) {
	if s.protect == protectISO {
		r.str("\x1bV")
		if s.pen.Attr&attrProtected == 0 {
			r.str("\x1bW")
		}
		r.prot = s.pen.Attr&attrProtected != 0
	}
}
