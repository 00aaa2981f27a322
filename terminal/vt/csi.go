package vt

import "strconv"

func (s *Screen) csiDispatch(final byte) {
	s.zwj = false
	if s.ignoreSq {
		return
	}
	if s.ninter > 0 {
		s.csiIntermediate(final)
		return
	}
	switch s.prefix {
	case '?':
		s.csiPrivate(final)
		return
	case '>':
		switch final {
		case 'c': // DA2: VT220-compatible, firmware version 0
			s.sendReply("\x1b[>1;10;0c")
		case 'q': // XTVERSION
			s.sendReply("\x1bP>|Duet\x1b\\")
		}
		return
	case 0:
	default:
		return
	}
	switch final {
	case '@':
		s.insertCells(s.x, s.arg(0, 1))
		s.wrapnext = false
	case 'A':
		s.moveRows(-s.arg(0, 1))
	case 'B', 'e':
		s.moveRows(s.arg(0, 1))
	case 'C', 'a':
		s.moveCols(s.arg(0, 1))
	case 'D':
		s.moveCols(-s.arg(0, 1))
	case 'E':
		s.moveRows(s.arg(0, 1))
		s.x = 0
	case 'F':
		s.moveRows(-s.arg(0, 1))
		s.x = 0
	case 'G', '`':
		s.x = min(s.arg(0, 1), s.cols) - 1
		s.wrapnext = false
	case 'H', 'f':
		s.moveTo(s.arg(1, 1)-1, s.arg(0, 1)-1)
	case 'I':
		s.tab(s.arg(0, 1))
	case 'J':
		s.eraseInDisplay(s.arg(0, 0))
	case 'K':
		s.eraseInLine(s.arg(0, 0))
	case 'L':
		s.insertLines(s.arg(0, 1))
	case 'M':
		s.deleteLines(s.arg(0, 1))
	case 'P':
		s.deleteCells(s.arg(0, 1))
	case 'S':
		s.scrollUp(s.top, s.bottom, s.arg(0, 1))
	case 'T':
		if s.nparams <= 1 {
			s.scrollDown(s.top, s.bottom, s.arg(0, 1))
		}
	case 'X':
		s.eraseChars(s.arg(0, 1))
	case 'Z':
		s.tab(-s.arg(0, 1))
	case 'b':
		s.repeatLast(s.arg(0, 1))
	case 'c':
		if s.arg(0, 0) == 0 { // DA1: VT220 with ANSI colour
			s.sendReply("\x1b[?62;22c")
		}
	case 'd':
		y := s.arg(0, 1) - 1
		if s.modes.Origin {
			s.moveTo(s.x, y)
		} else {
			s.y = min(y, s.rows-1)
			s.wrapnext = false
		}
	case 'g':
		switch s.arg(0, 0) {
		case 0:
			s.tabs[s.x] = false
		case 3:
			clear(s.tabs)
		}
	case 'h', 'l':
		for i := range s.nparams {
			s.setMode(int(s.params[i]), final == 'h')
		}
	case 'm':
		s.sgr()
	case 'n':
		switch s.arg(0, 0) {
		case 5:
			s.sendReply("\x1b[0n")
		case 6:
			s.reportCursor("")
		}
	case 'r':
		s.setScrollRegion(s.arg(0, 1), s.arg(1, s.rows))
	case 's':
		s.saveCursor()
	case 'u':
		s.restoreCursor()
	}
}

// csiPrivate handles CSI ? ... sequences.
func (s *Screen) csiPrivate(final byte) {
	switch final {
	case 'h', 'l':
		for i := range s.nparams {
			s.setPrivateMode(int(s.params[i]), final == 'h')
		}
	case 'n':
		if s.arg(0, 0) == 6 {
			s.reportCursor("?")
		}
	case 'J':
		s.eraseInDisplay(s.arg(0, 0))
	case 'K':
		s.eraseInLine(s.arg(0, 0))
	}
}

func (s *Screen) csiIntermediate(final byte) {
	switch {
	case s.ninter == 1 && s.inter[0] == ' ' && final == 'q' && s.prefix == 0: // DECSCUSR
		if v := s.arg(0, 0); v <= 6 {
			s.cursorStyle = v
			s.changed = true
		}
	case s.ninter == 1 && s.inter[0] == '!' && final == 'p': // DECSTR
		s.softReset()
	case s.ninter == 1 && s.inter[0] == '$' && final == 'p': // DECRQM
		mode := s.arg(0, 0)
		if s.prefix == '?' {
			s.sendReply("\x1b[?" + strconv.Itoa(mode) + ";" + strconv.Itoa(s.privateModeState(mode)) + "$y")
			return
		}
		st := 0
		switch mode {
		case 4:
			st = boolState(s.modes.Insert)
		case 20:
			st = boolState(s.modes.Newline)
		}
		s.sendReply("\x1b[" + strconv.Itoa(mode) + ";" + strconv.Itoa(st) + "$y")
	}
}

func boolState(v bool) int {
	if v {
		return 1
	}
	return 2
}

// softReset is DECSTR: modes and pen back to defaults, the screen untouched.
func (s *Screen) softReset() {
	s.modes.Insert, s.modes.Origin, s.modes.AppCursor, s.modes.AppKeypad = false, false, false, false
	s.modes.Autowrap, s.modes.CursorVisible = true, true
	s.top, s.bottom = 0, s.rows-1
	s.pen = Style{}
	s.charsets, s.gl = [4]byte{'B', 'B', 'B', 'B'}, 0
	s.cur.saved = savedCursor{}
	s.changed = true
}

func (s *Screen) reportCursor(prefix string) {
	y := s.y
	if s.modes.Origin {
		y -= s.top
	}
	s.sendReply("\x1b[" + prefix + strconv.Itoa(y+1) + ";" + strconv.Itoa(s.x+1) + "R")
}

func (s *Screen) sendReply(r string) {
	if s.reply != nil {
		s.reply([]byte(r))
	}
}

// sgr applies Select Graphic Rendition parameters to the pen.
func (s *Screen) sgr() {
	if s.nparams == 0 {
		s.pen = Style{Link: s.pen.Link}
		return
	}
	p := &s.pen
	for i := 0; i < s.nparams; i++ {
		v := s.params[i]
		// Sub-parameters that no SGR here understands are skipped with their parent.
		switch v {
		case 0:
			*p = Style{Link: p.Link}
		case 1:
			p.Attr |= Bold
		case 2:
			p.Attr |= Dim
		case 3:
			p.Attr |= Italic
		case 4:
			p.Attr &^= Underline | DoubleUnderline | CurlyUnderline
			if i+1 < s.nparams && s.sub&(1<<(i+1)) != 0 {
				i++
				switch s.params[i] {
				case 0:
				case 2:
					p.Attr |= DoubleUnderline
				case 3:
					p.Attr |= CurlyUnderline
				default:
					p.Attr |= Underline
				}
				continue
			}
			p.Attr |= Underline
		case 5, 6:
			p.Attr |= Blink
		case 7:
			p.Attr |= Inverse
		case 8:
			p.Attr |= Hidden
		case 9:
			p.Attr |= Strike
		case 21:
			p.Attr &^= Underline | CurlyUnderline
			p.Attr |= DoubleUnderline
		case 22:
			p.Attr &^= Bold | Dim
		case 23:
			p.Attr &^= Italic
		case 24:
			p.Attr &^= Underline | DoubleUnderline | CurlyUnderline
		case 25:
			p.Attr &^= Blink
		case 27:
			p.Attr &^= Inverse
		case 28:
			p.Attr &^= Hidden
		case 29:
			p.Attr &^= Strike
		case 30, 31, 32, 33, 34, 35, 36, 37:
			p.FG = Indexed(uint8(v - 30))
		case 38:
			var c Color
			c, i = s.extendedColor(i)
			if c != badColor {
				p.FG = c
			}
		case 39:
			p.FG = DefaultColor
		case 40, 41, 42, 43, 44, 45, 46, 47:
			p.BG = Indexed(uint8(v - 40))
		case 48:
			var c Color
			c, i = s.extendedColor(i)
			if c != badColor {
				p.BG = c
			}
		case 49:
			p.BG = DefaultColor
		case 53:
			p.Attr |= Overline
		case 55:
			p.Attr &^= Overline
		case 58: // underline colour: parsed, not kept
			_, i = s.extendedColor(i)
		case 90, 91, 92, 93, 94, 95, 96, 97:
			p.FG = Indexed(uint8(v - 90 + 8))
		case 100, 101, 102, 103, 104, 105, 106, 107:
			p.BG = Indexed(uint8(v - 100 + 8))
		}
		// Skip sub-parameters of whatever we just handled.
		for i+1 < s.nparams && s.sub&(1<<(i+1)) != 0 {
			i++
		}
	}
}

const badColor Color = 0xFFFFFFFF

// extendedColor parses the colour after SGR 38/48/58 at params[i], in both the legacy
// semicolon form (38;5;n, 38;2;r;g;b) and the colon form (38:5:n, 38:2::r:g:b,
// 38:2:r:g:b). It returns the index of the last parameter it used.
func (s *Screen) extendedColor(i int) (Color, int) {
	colon := i+1 < s.nparams && s.sub&(1<<(i+1)) != 0
	if i+1 >= s.nparams {
		return badColor, i
	}
	if colon {
		// Gather the sub-parameters.
		var sp [6]int32
		n := 0
		j := i + 1
		for ; j < s.nparams && s.sub&(1<<j) != 0; j++ {
			if n < len(sp) {
				sp[n] = s.params[j]
				n++
			}
		}
		last := j - 1
		switch {
		case n >= 2 && sp[0] == 5:
			return indexedColor(sp[1]), last
		case n >= 5 && sp[0] == 2: // 2:colourspace:r:g:b
			return rgbColor(sp[2], sp[3], sp[4]), last
		case n == 4 && sp[0] == 2: // 2:r:g:b
			return rgbColor(sp[1], sp[2], sp[3]), last
		}
		return badColor, last
	}
	switch s.params[i+1] {
	case 5:
		if i+2 < s.nparams {
			return indexedColor(s.params[i+2]), i + 2
		}
		return badColor, s.nparams - 1
	case 2:
		if i+4 < s.nparams {
			return rgbColor(s.params[i+2], s.params[i+3], s.params[i+4]), i + 4
		}
		return badColor, s.nparams - 1
	}
	return badColor, i + 1
}

// indexedColor and rgbColor return badColor for a value out of range: the colour is
// ignored (as in tmux and xterm), not clamped.
func indexedColor(n int32) Color {
	if n > 255 {
		return badColor
	}
	return Indexed(uint8(n))
}

func rgbColor(r, g, b int32) Color {
	if r > 255 || g > 255 || b > 255 {
		return badColor
	}
	return RGB(uint8(r), uint8(g), uint8(b))
}
