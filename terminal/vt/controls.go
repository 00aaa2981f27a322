package vt

// C0 controls, escape sequences and DCS strings, once the parser has them whole.

func (s *Screen) execute(c byte) {
	s.zwj = false
	switch c {
	case 0x07:
		s.bell++
	case 0x08:
		s.backspace()
	case 0x09:
		s.tab(1)
	case 0x0A, 0x0B, 0x0C:
		s.linefeed()
		if s.modes.Newline {
			s.carriageReturn()
		}
	case 0x0D:
		s.carriageReturn()
	case 0x0E:
		s.gl = 1
	case 0x0F:
		s.gl = 0
	}
}

// dcsDispatch handles a complete DCS string: only DECRQSS is answered.
func (s *Screen) dcsDispatch() {
	if s.dcsFinal == 'q' && s.ninter == 1 && s.inter[0] == '$' && s.prefix == 0 && !s.ignoreSq {
		s.requestStatus(s.dcs)
	}
}

func (s *Screen) escDispatch(c byte) {
	if s.ninter > 0 {
		switch s.inter[0] {
		case '(', ')', '*', '+':
			if s.ninter == 1 {
				s.charsets[s.inter[0]-'('] = c
			}
		case '#':
			switch c {
			case '3':
				s.setLineAttr(LineDoubleTop)
			case '4':
				s.setLineAttr(LineDoubleBottom)
			case '5':
				s.setLineAttr(LineSingle)
			case '6':
				s.setLineAttr(LineDoubleWidth)
			case '8':
				s.alignmentTest()
			}
		}
		return
	}
	switch c {
	case 'N': // SS2
		s.ss = 2
	case 'O': // SS3
		s.ss = 3
	case 'n': // LS2
		s.gl = 2
	case 'o': // LS3
		s.gl = 3
	case '6':
		s.backIndex()
	case '9':
		s.forwardIndex()
	case 'V': // SPA
		s.pen.Attr |= attrProtected
		s.protect = protectISO
	case 'W': // EPA
		s.pen.Attr &^= attrProtected
	case '7':
		s.saveCursor()
	case '8':
		s.restoreCursor()
	case 'D':
		s.linefeed()
	case 'E':
		s.carriageReturn()
		s.linefeed()
	case 'H':
		s.tabs[s.x] = true
	case 'M':
		s.reverseIndex()
	case 'c':
		s.reset()
	case '=':
		s.modes.AppKeypad = true
	case '>':
		s.modes.AppKeypad = false
	}
}
