package vt

// MouseTracking is which mouse events the program asked for (xterm modes 9, 1000, 1002,
// 1003); setting one replaces another, as in xterm.
type MouseTracking uint8

// Mouse tracking modes.
const (
	MouseNone   MouseTracking = iota
	MouseX10                  // 9: button presses only
	MouseNormal               // 1000: presses and releases
	MouseButton               // 1002: and motion while a button is held
	MouseAny                  // 1003: and all motion
)

// MouseEncoding is how mouse reports are encoded (xterm modes 1005, 1006, 1015).
type MouseEncoding uint8

// Mouse report encodings.
const (
	MouseEncodingDefault MouseEncoding = iota // ESC [ M b x y, bytes
	MouseEncodingUTF8                         // 1005
	MouseEncodingSGR                          // 1006: ESC [ < b ; x ; y M/m
	MouseEncodingURXVT                        // 1015: ESC [ b ; x ; y M
)

// Modes are the terminal modes a client needs to encode input and draw the screen.
type Modes struct {
	AppCursor      bool // DECCKM (?1): arrows send ESC O A
	AppKeypad      bool // DECKPAM (ESC =) / DECNKM (?66)
	Insert         bool // IRM (4)
	Newline        bool // LNM (20): Enter sends CR LF, LF moves to column 0
	Origin         bool // DECOM (?6)
	Autowrap       bool // DECAWM (?7)
	ReverseVideo   bool // DECSCNM (?5)
	CursorVisible  bool // DECTCEM (?25)
	CursorBlink    bool // ?12
	BracketedPaste bool // ?2004
	FocusEvents    bool // ?1004
	AltScroll      bool // ?1007: wheel sends arrows on the alternate screen
	SyncOutput     bool // ?2026: the program is in the middle of a synchronized update
	Mouse          MouseTracking
	MouseEncoding  MouseEncoding
}

// setPrivateMode handles CSI ? Pm h / l.
func (s *Screen) setPrivateMode(mode int, on bool) {
	m := &s.modes
	switch mode {
	case 1:
		m.AppCursor = on
	case 5:
		if m.ReverseVideo != on {
			m.ReverseVideo = on
			s.markAllDirty()
		}
	case 6:
		m.Origin = on
		s.moveTo(0, 0)
	case 7:
		m.Autowrap = on
		if !on {
			s.wrapnext = false
		}
	case 12:
		m.CursorBlink = on
	case 25:
		if m.CursorVisible != on {
			m.CursorVisible = on
			s.changed = true
		}
	case 66:
		m.AppKeypad = on
	case 9, 1000, 1002, 1003:
		if on {
			m.Mouse = map[int]MouseTracking{9: MouseX10, 1000: MouseNormal, 1002: MouseButton, 1003: MouseAny}[mode]
		} else {
			m.Mouse = MouseNone
		}
	case 1005, 1006, 1015:
		// One encoding is in use, the last set; resetting another leaves it (xterm).
		enc := map[int]MouseEncoding{1005: MouseEncodingUTF8, 1006: MouseEncodingSGR, 1015: MouseEncodingURXVT}[mode]
		if on {
			m.MouseEncoding = enc
		} else if m.MouseEncoding == enc {
			m.MouseEncoding = MouseEncodingDefault
		}
	case 1004:
		m.FocusEvents = on
	case 1007:
		m.AltScroll = on
	case 2004:
		m.BracketedPaste = on
	case 2026:
		m.SyncOutput = on
	case 47, 1047:
		if on {
			s.enterAlt(false)
		} else {
			s.leaveAlt(false)
		}
	case 1048:
		if on {
			s.saveCursor()
		} else {
			s.restoreCursor()
		}
	case 1049:
		if on {
			s.enterAlt(true)
		} else {
			s.leaveAlt(true)
		}
	}
}

// privateModeState answers DECRQM for a private mode: 1 set, 2 reset, 0 unknown.
func (s *Screen) privateModeState(mode int) int {
	m := s.modes
	var v bool
	switch mode {
	case 1:
		v = m.AppCursor
	case 5:
		v = m.ReverseVideo
	case 6:
		v = m.Origin
	case 7:
		v = m.Autowrap
	case 12:
		v = m.CursorBlink
	case 25:
		v = m.CursorVisible
	case 66:
		v = m.AppKeypad
	case 9:
		v = m.Mouse == MouseX10
	case 1000:
		v = m.Mouse == MouseNormal
	case 1002:
		v = m.Mouse == MouseButton
	case 1003:
		v = m.Mouse == MouseAny
	case 1005:
		v = m.MouseEncoding == MouseEncodingUTF8
	case 1006:
		v = m.MouseEncoding == MouseEncodingSGR
	case 1015:
		v = m.MouseEncoding == MouseEncodingURXVT
	case 1004:
		v = m.FocusEvents
	case 1007:
		v = m.AltScroll
	case 2004:
		v = m.BracketedPaste
	case 2026:
		v = m.SyncOutput
	case 47, 1047, 1049:
		v = s.altActive
	default:
		return 0
	}
	if v {
		return 1
	}
	return 2
}

// setMode handles the ANSI modes CSI Pm h / l.
func (s *Screen) setMode(mode int, on bool) {
	switch mode {
	case 4:
		s.modes.Insert = on
	case 20:
		s.modes.Newline = on
	}
}

func (s *Screen) enterAlt(saveCursor bool) {
	if saveCursor {
		s.saveCursor()
	}
	if s.altActive {
		return
	}
	s.altActive = true
	s.cur = &s.alt
	for i := range s.alt.lines {
		clearCells(s.alt.lines[i].cells, Style{})
		s.alt.lines[i].wrapped = false
	}
	s.markAllDirty()
}

func (s *Screen) leaveAlt(restoreCursor bool) {
	if s.altActive {
		s.altActive = false
		s.cur = &s.prim
		s.markAllDirty()
	}
	if restoreCursor {
		s.restoreCursor()
	}
}

// saveCursor is DECSC: the active buffer remembers the cursor, pen, charsets and origin mode.
func (s *Screen) saveCursor() {
	s.cur.saved = savedCursor{valid: true, cursor: s.cursor, origin: s.modes.Origin}
}

// restoreCursor is DECRC; with nothing saved it homes the cursor and resets the pen.
func (s *Screen) restoreCursor() {
	sv := s.cur.saved
	if !sv.valid {
		sv = savedCursor{cursor: cursor{charsets: [4]byte{'B', 'B', 'B', 'B'}}}
	}
	s.cursor = sv.cursor
	s.modes.Origin = sv.origin
	s.x = min(s.x, s.cols-1)
	s.y = min(s.y, s.rows-1)
	if s.modes.Origin {
		s.y = min(max(s.y, s.top), s.bottom)
	}
	// A pending wrap is not restored, as in xterm and tmux.
	s.wrapnext = false
	s.changed = true
}
