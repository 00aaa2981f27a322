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
		case 'c': // DA2: VT220-compatible, firmware version 10 (programs key quirks to it)
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
	case 'B':
		s.moveRows(s.arg(0, 1))
	case 'e': // VPR: as in xterm, down to the screen's bottom whatever the region
		s.y = min(s.y+s.arg(0, 1), s.rows-1)
		s.x = min(s.x, s.lineCols(s.y)-1)
		s.wrapnext = false
	case 'C', 'a':
		s.moveCols(s.arg(0, 1))
	case 'D':
		s.cursorBack(s.arg(0, 1))
	case 'E':
		s.moveRows(s.arg(0, 1))
		s.carriageReturn()
	case 'F':
		s.moveRows(-s.arg(0, 1))
		s.carriageReturn()
	case 'G', '`':
		s.moveColumn(s.arg(0, 1) - 1)
	case 'H', 'f':
		s.moveTo(s.arg(1, 1)-1, s.arg(0, 1)-1)
	case 'I':
		s.tab(s.arg(0, 1))
	case 'J':
		s.eraseInDisplay(s.arg(0, 0), false)
	case 'K':
		s.eraseInLine(s.arg(0, 0), false)
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
	case 'W': // CTC
		switch s.arg(0, 0) {
		case 0:
			s.tabs[s.x] = true
		case 2:
			s.tabs[s.x] = false
		case 5:
			clear(s.tabs)
		}
	case 'X':
		s.eraseChars(s.arg(0, 1))
	case 'Z':
		s.tab(-s.arg(0, 1))
	case 'b':
		s.repeatLast(s.arg(0, 1))
	case 'c':
		if s.arg(0, 0) == 0 {
			s.sendReply(s.deviceAttributes())
		}
	case 'd':
		s.moveRow(s.arg(0, 1) - 1)
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
		s.deviceStatus(s.arg(0, 0), false)
	case 'r':
		s.setScrollRegion(s.arg(0, 1), s.arg(1, s.rows))
	case 's':
		if s.modes.LeftRightMargins {
			s.setMargins(s.arg(0, 1), s.arg(1, s.cols))
		} else {
			s.saveCursor()
		}
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
		s.deviceStatus(s.arg(0, 0), true)
	case 'J':
		s.eraseInDisplay(s.arg(0, 0), true)
	case 'K':
		s.eraseInLine(s.arg(0, 0), true)
	case 'W': // DECST8C, a VT510 control (xterm obeys it at level 5 only)
		if s.arg(0, 0) == 5 && s.level >= maxLevel {
			s.resetTabs()
		}
	case 's': // XTSAVE
		for i := range s.nparams {
			s.saveMode(int(s.params[i]))
		}
	case 'r': // XTRESTORE
		for i := range s.nparams {
			s.restoreMode(int(s.params[i]))
		}
	}
}

func (s *Screen) csiIntermediate(final byte) {
	if s.ninter != 1 {
		return
	}
	inter := s.inter[0]
	if s.prefix != 0 {
		if inter == '$' && final == 'p' && s.prefix == '?' { // DECRQM, DEC modes
			mode := s.arg(0, 0)
			s.sendReply("\x1b[?" + strconv.Itoa(mode) + ";" + strconv.Itoa(s.privateModeState(mode)) + "$y")
		}
		return
	}
	switch {
	case inter == ' ' && final == 'q': // DECSCUSR
		if v := s.arg(0, 0); v <= 6 {
			s.cursorStyle = v
			s.changed = true
		}
	case inter == '!' && final == 'p': // DECSTR
		s.softReset()
	case inter == '"' && final == 'p': // DECSCL
		s.setLevel(s.arg(0, 0))
	case inter == '"' && final == 'q': // DECSCA
		switch s.arg(0, 0) {
		case 1:
			s.pen.Attr |= attrProtected
		case 0, 2:
			s.pen.Attr &^= attrProtected
		}
		s.protect = protectDEC
	case inter == '$' && final == 'p': // DECRQM, ANSI modes
		mode := s.arg(0, 0)
		s.sendReply("\x1b[" + strconv.Itoa(mode) + ";" + strconv.Itoa(s.ansiModeState(mode)) + "$y")
	case inter == '$' && final == 'w': // DECRQPSR
		s.presentationReport(s.arg(0, 0))
	case inter == '\'' && final == '}':
		s.insertColumns(s.arg(0, 1))
	case inter == '\'' && final == '~':
		s.deleteColumns(s.arg(0, 1))
	case inter == '*' && final == 'x': // DECSACE
		switch s.arg(0, 0) {
		case 0, 1:
			s.rectExtent = false
		case 2:
			s.rectExtent = true
		}
	default:
		s.rectOp(inter, final)
	}
}

// softReset is DECSTR: modes and pen back to defaults, the screen untouched.
func (s *Screen) softReset() {
	s.modes.Insert, s.modes.Origin, s.modes.AppCursor, s.modes.AppKeypad = false, false, false, false
	s.modes.Autowrap, s.modes.CursorVisible = true, true
	s.modes.ReverseWrap, s.modes.ReverseWrapExt = false, false
	s.modes.LeftRightMargins = false
	s.top, s.bottom = 0, s.rows-1
	s.left, s.right = 0, s.cols-1
	s.pen = Style{}
	s.charsets, s.gl, s.ss = [4]byte{'B', 'B', 'B', 'B'}, 0, 0
	s.cur.saved = savedCursor{}
	s.clampToLine()
	s.changed = true
}

func (s *Screen) sendReply(r string) {
	if s.reply != nil {
		s.reply([]byte(r))
	}
}

func (s *Screen) sendReplyBytes(r []byte) {
	if s.reply != nil {
		s.reply(r)
	}
}

// sgr applies Select Graphic Rendition parameters to the pen.
func (s *Screen) sgr() {
	// SGR 0 keeps the hyperlink and the protection (DECSCA is not an SGR attribute).
	keep := Style{Link: s.pen.Link, Attr: s.pen.Attr & attrProtected}
	if s.nparams == 0 {
		s.pen = keep
		return
	}
	p := &s.pen
	for i := 0; i < s.nparams; i++ {
		v := s.params[i]
		// Sub-parameters that no SGR here understands are skipped with their parent.
		switch v {
		case 0:
			*p = keep
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
