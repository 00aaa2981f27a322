package vt

import "unicode/utf8"

// Repaint returns bytes that, written to a terminal of the same size (a fresh one, or one
// that has shown anything before), reproduce the current state: both screens' contents
// and attributes (the primary screen is painted first, so it is right when a full-screen
// program exits; the alternate one too when it holds something, since ?47 shows it
// again), soft-wrapped lines, line sizes, protected cells, the cursor (position, pending
// wrap, shape, visibility), the pen, saved cursors, scroll region and margins, tab stops,
// character sets and shifts, palette changes, title, every mode and the modes XTSAVE
// kept. Scrollback is not included (see AppendHistory).
//
// On a terminal that showed something before, it also undoes what that left: the
// alternate screen, margins, a protected pen (one a DECSC or ?1049h saved too), ISO
// protection (under which even clearing spares protected cells), the conformance level,
// tab stops, character sets, the palette. Two things only a hard reset (RIS, which
// repaints nothing and may reset the window) clears stay: the modes XTSAVE kept that we
// did not, and xterm's note that DECSCA was used (the repaint leaves it set, so
// terminals that never saw protection end in that state too; only a selective erase of
// unprotected cells tells it apart).
func (s *Screen) Repaint() []byte {
	return s.AppendRepaint(nil)
}

// repaintPreamble puts a terminal in any state into a known one: primary screen (whose
// saved cursor ?1049l restores, maybe with a protected pen), an unprotected pen and DEC
// protection (DECSCA ends ISO protection, under which the clearing would spare protected
// cells), no margins or region, modes that change printing off, ASCII, no link, default
// pen, cleared, and that state saved (DECSC), for a screen with no saved cursor.
const repaintPreamble = "\x1b[?1049l\x1b[0\"q\x1b[?69l\x1b[r\x1b[?6l\x1b[?7h\x1b[4l\x1b[20l" +
	"\x1b(B\x1b)B\x1b*B\x1b+B\x0f\x1b]8;;\x1b\\\x1b[0m\x1b[H\x1b[2J\x1b7"

// AppendRepaint appends the repaint to dst and returns it.
func (s *Screen) AppendRepaint(dst []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := repainter{b: dst}
	b := &r
	b.csi2(s.level, 1, '"') // DECSCL (a soft reset), before anything it would undo
	b.b = append(b.b, 'p')
	b.str(repaintPreamble)
	s.repaintColors(b)
	s.repaintSavedModes(b)
	s.repaintTabs(b)
	s.repaintLines(b, s.prim.lines)
	s.repaintSaved(b, s.prim.saved)
	s.repaintLineSizes(b, s.prim.lines)
	// The alternate screen, shown or not: ?47h shows what it holds again. It is cleared
	// even when empty, for a terminal that held something there.
	b.style(Style{}) // erase with the default background
	// 47: no cursor save, no clearing of its own; ESC 7 saves the state a screen with no
	// saved cursor restores.
	b.str("\x1b[?47h\x1b[H\x1b[2J\x1b7")
	s.repaintLines(b, s.alt.lines)
	s.repaintSaved(b, s.alt.saved)
	s.repaintLineSizes(b, s.alt.lines)
	if !s.altActive {
		b.str("\x1b[?47l")
	}
	s.repaintLastChar(b)
	m := s.modes

	// Margins and scroll region, then the cursor and the pen.
	if m.LeftRightMargins {
		b.str("\x1b[?69h")
		if !s.fullWidth() {
			b.csi2(s.left+1, s.right+1, 's')
		}
	}
	if s.top != 0 || s.bottom != s.rows-1 {
		b.csi2(s.top+1, s.bottom+1, 'r')
	}
	if m.Origin {
		b.str("\x1b[?6h")
	}
	x, y := s.x, s.y
	switch {
	case s.wrapnext && s.cur.lines[y].attr != LineSingle && s.cur.lines[y].cells[x].Width() == 2:
		s.repaintWideWrap(b)
	case s.wrapnext:
		// Print the last cell again so the terminal is left waiting to wrap, as we are.
		cells := s.cur.lines[s.y].cells
		if cells[x].IsWideTail() && x > 0 {
			x--
		}
		s.originCup(b, x, y)
		b.cell(cells[x])
	default:
		s.originCup(b, x, y)
	}
	b.style(s.pen)
	s.repaintProtection(b)
	s.repaintCharsets(b, s.cursor)

	// Modes.
	flag := func(on bool, set, reset string) {
		if on {
			b.str(set)
		} else if reset != "" {
			b.str(reset)
		}
	}
	flag(m.AppCursor, "\x1b[?1h", "\x1b[?1l")
	flag(m.AppKeypad, "\x1b=", "\x1b>")
	flag(m.Insert, "\x1b[4h", "")
	flag(m.Newline, "\x1b[20h", "")
	flag(m.Autowrap, "", "\x1b[?7l")
	flag(m.ReverseVideo, "\x1b[?5h", "\x1b[?5l")
	flag(m.CursorBlink, "\x1b[?12h", "\x1b[?12l")
	flag(m.BracketedPaste, "\x1b[?2004h", "\x1b[?2004l")
	flag(m.FocusEvents, "\x1b[?1004h", "\x1b[?1004l")
	flag(m.AltScroll, "\x1b[?1007h", "\x1b[?1007l")
	flag(m.ReverseWrap, "\x1b[?45h", "\x1b[?45l")
	flag(m.ReverseWrapExt, "\x1b[?1045h", "\x1b[?1045l")
	flag(m.CursesFix, "\x1b[?41h", "\x1b[?41l")
	flag(s.rectExtent, "\x1b[2*x", "\x1b[0*x")
	b.str(mouseTrackingSeq[m.Mouse])
	b.str(mouseEncodingSeq[m.MouseEncoding])
	b.csi1(s.cursorStyle, " q")
	if s.title != "" {
		b.str("\x1b]2;")
		b.str(s.title)
		b.str("\x1b\\")
	}
	flag(m.CursorVisible, "\x1b[?25h", "\x1b[?25l")
	switch s.ss { // a single shift waiting for its character goes last
	case 2:
		b.str("\x1bN")
	case 3:
		b.str("\x1bO")
	}
	return r.b
}

// repaintWideWrap leaves the terminal waiting to wrap on a double-width or -height row
// whose last shown column holds the left half of a wide character (the row was made
// double after the character was printed at the end of it): printed again there, it
// would not fit. So the row is single width for a moment, its last cells are printed
// again at the end of the whole row, and the row's size back keeps the cursor waiting in
// its shown half. The pen is the repainter's, as for the other cells.
func (s *Screen) repaintWideWrap(b *repainter) {
	y := s.y
	cells := s.cur.lines[y].cells
	x := s.cols - 1
	if cells[x].IsWideTail() && x > 0 {
		x--
	}
	s.originCup(b, 0, y)
	b.str("\x1b#5")
	s.originCup(b, x, y)
	b.cell(cells[x])
	b.b = append(b.b, 0x1b, '#', lineSizeFinal[s.cur.lines[y].attr])
}

// originCup moves the terminal's cursor to x, y (absolute), in origin mode relative to the
// region and margins, as the terminal will read it.
func (s *Screen) originCup(b *repainter, x, y int) {
	if s.modes.Origin {
		x, y = x-s.left, y-s.top
	}
	b.cup(x, y)
}

// mouseTrackingSeq and mouseEncodingSeq select a mouse mode on a terminal in any prior state.
var (
	mouseTrackingSeq = [...]string{
		MouseNone:   "\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[?9l",
		MouseX10:    "\x1b[?9h",
		MouseNormal: "\x1b[?1000h",
		MouseButton: "\x1b[?1002h",
		MouseAny:    "\x1b[?1003h",
	}
	mouseEncodingSeq = [...]string{
		MouseEncodingDefault: "\x1b[?1015l\x1b[?1006l\x1b[?1005l",
		MouseEncodingUTF8:    "\x1b[?1005h",
		MouseEncodingSGR:     "\x1b[?1006h",
		MouseEncodingURXVT:   "\x1b[?1015h",
	}
)

// blank reports whether a cell needs no drawing on a cleared screen.
func blank(c Cell) bool {
	return (c.r == 0 || c.r == ' ') && c.st == Style{}
}

// repaintLines paints a cleared screen with ls. A line that wrapped is printed to its
// last column and the next line follows without a cursor move, so the terminal marks the
// wrap too.
func (s *Screen) repaintLines(r *repainter, ls []line) {
	follows := false // the terminal's cursor is where this line's text continues
	for y, l := range ls {
		wrapsNext := l.wrapped && y < len(ls)-1
		end := len(l.cells)
		if !wrapsNext {
			for end > 0 && blank(l.cells[end-1]) {
				end--
			}
		}
		start := 0
		if !follows {
			for start < end && blank(l.cells[start]) {
				start++
			}
			if wrapsNext && start == end {
				start = end - 1 // print the last cell so the next line wraps from here
			}
			if start < end {
				r.cup(start, y)
			}
		} else if end == 0 {
			end = 1 // print something so the wrap happens
		}
		for x := start; x < end; x++ {
			if c := l.cells[x]; !c.IsWideTail() {
				r.cell(c)
			}
		}
		follows = wrapsNext
	}
}

// repaintLineSizes sets the sizes of the lines, after their cells were printed at full
// width (so those right of the half of a double-width line, kept but not shown, are there
// too) and the saved cursor was placed (it may be right of that half).
func (s *Screen) repaintLineSizes(r *repainter, ls []line) {
	for y, l := range ls {
		if l.attr != LineSingle {
			r.cup(0, y)
			r.b = append(r.b, 0x1b, '#', lineSizeFinal[l.attr])
		}
	}
}

// lineSizeFinal is the final byte of ESC # that sets each line size.
var lineSizeFinal = [...]byte{LineSingle: '5', LineDoubleWidth: '6', LineDoubleTop: '3', LineDoubleBottom: '4'}

// lastCharSlot finds blank cells of the active screen where the last printed character
// can be printed and erased again, so the terminal's REP repeats the same character.
func (s *Screen) lastCharSlot() (x, y, w int, ok bool) {
	if s.lastChar == 0 {
		return 0, 0, 0, false
	}
	if s.wrapnext {
		// The repaint prints the cell waiting to wrap again, last: that is the last
		// printed character, so it must be this one.
		x := s.x
		if c := s.cur.lines[s.y].cells; c[x].IsWideTail() && x > 0 {
			x--
		}
		if s.cur.lines[s.y].cells[x].r != s.lastChar {
			return 0, 0, 0, false
		}
	}
	w = 1
	if s.lastChar >= 0x80 {
		w = runeWidth(s.lastChar)
	}
	for y := len(s.cur.lines) - 1; y >= 0; y-- {
		cells := s.cur.lines[y].cells[:s.lineCols(y)]
		run := 0
		for x, c := range cells {
			if c.r == 0 && c.st == (Style{}) {
				run++
			} else {
				run = 0
			}
			if run == w {
				return x - w + 1, y, w, true
			}
		}
	}
	return 0, 0, 0, false
}

// repaintLastChar leaves the terminal with the same last printed character (what REP
// repeats): printed on blank cells, then erased.
func (s *Screen) repaintLastChar(r *repainter) {
	x, y, w, ok := s.lastCharSlot()
	if !ok {
		return
	}
	r.cup(x, y)
	r.style(Style{})
	r.b = utf8.AppendRune(r.b, s.lastChar)
	r.cup(x, y)
	r.csi1(w, "X")
}
