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
	// LeftRightMargins is DECLRMM (?69): CSI Pl ; Pr s sets the margins (not SCOSC).
	LeftRightMargins bool
	ReverseWrap      bool // ?45: BS and CUB go back over the start of a row, with autowrap
	ReverseWrapExt   bool // ?1045: and from the top row to the bottom row (xterm's extension)
	CursesFix        bool // ?41: a tab after a full line wraps first (xterm's curses workaround)
	Mouse            MouseTracking
	MouseEncoding    MouseEncoding
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
	case 41:
		m.CursesFix = on
	case 45:
		m.ReverseWrap = on
	case 1045:
		m.ReverseWrapExt = on
	case 69:
		m.LeftRightMargins = on
		if !on {
			s.left, s.right = 0, s.cols-1
			s.clampToLine()
		}
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
	case 47:
		if on {
			s.enterAlt(false, false)
		} else {
			s.leaveAlt(false, false)
		}
	case 1047:
		if on {
			s.enterAlt(false, false)
		} else {
			s.leaveAlt(true, false)
		}
	case 1048:
		if on {
			s.saveCursor()
		} else {
			s.restoreCursor()
		}
	case 1049:
		if on {
			s.enterAlt(true, true)
		} else {
			s.leaveAlt(false, true)
		}
	}
}

// privateModeState answers DECRQM for a private mode: 1 set, 2 reset, 0 unknown, and
// for the modes xterm knows and vt does not implement, what xterm 379 answers.
func (s *Screen) privateModeState(mode int) int {
	v, ok := s.privateMode(mode)
	switch {
	case ok:
		return boolState(v)
	case knownPrivateModes[mode] != 0:
		return int(knownPrivateModes[mode])
	}
	return 0
}

// knownPrivateModes are xterm's DECRQM answers (in its default state) for the private
// modes it has and vt does not: 1 set, 2 reset, 4 permanently reset.
var knownPrivateModes = map[int]uint8{
	2: 1, 3: 2, 4: 2, 8: 4, 1048: 1, 18: 2, 19: 2, 30: 2, 35: 1, 38: 2, 40: 2, 42: 2, 44: 2, 46: 4,
	67: 2, 80: 2, 1001: 2, 1010: 1, 1011: 2, 1016: 2, 1034: 1, 1035: 1, 1036: 2, 1037: 2,
	1039: 2, 1040: 1, 1041: 2, 1042: 2, 1043: 2, 1044: 2, 1046: 2, 1050: 2, 1051: 2,
	1060: 2, 1061: 2, 2001: 2, 2002: 2, 2003: 2, 2005: 2, 2006: 2, 8452: 2,
}

// knownANSIModes are xterm's DECRQM answers for the ANSI modes vt does not implement.
var knownANSIModes = map[int]uint8{
	1: 4, 2: 2, 3: 2, 5: 4, 7: 4, 10: 4, 11: 4, 12: 1, 13: 4, 14: 4, 15: 4, 16: 4, 17: 4,
	18: 4, 19: 4,
}

// ansiModeState answers DECRQM for an ANSI mode.
func (s *Screen) ansiModeState(mode int) int {
	switch mode {
	case 4:
		return boolState(s.modes.Insert)
	case 20:
		return boolState(s.modes.Newline)
	}
	return int(knownANSIModes[mode])
}

func boolState(v bool) int {
	if v {
		return 1
	}
	return 2
}

// privateMode returns the state of a private mode vt implements; ok is false for others.
func (s *Screen) privateMode(mode int) (v, ok bool) {
	m := s.modes
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
	case 41:
		v = m.CursesFix
	case 45:
		v = m.ReverseWrap
	case 1045:
		v = m.ReverseWrapExt
	case 69:
		v = m.LeftRightMargins
	default:
		return false, false
	}
	return v, true
}

// maxSavedModes bounds what XTSAVE keeps.
const maxSavedModes = 64

// saveMode is XTSAVE for one private mode.
func (s *Screen) saveMode(mode int) {
	v, ok := s.privateMode(mode)
	if !ok || mode == 47 || mode == 1047 || mode == 1049 || mode == 1048 {
		return // the screens and the saved cursor are not modes to restore
	}
	if s.savedModes == nil {
		s.savedModes = make(map[int]bool)
	}
	if _, had := s.savedModes[mode]; had || len(s.savedModes) < maxSavedModes {
		s.savedModes[mode] = v
	}
}

// restoreMode is XTRESTORE for one private mode.
func (s *Screen) restoreMode(mode int) {
	// Only a mode whose state differs is set: restoring "off" for a mouse mode that is
	// not the one in use must not turn off the one in use.
	if v, ok := s.savedModes[mode]; ok {
		if cur, _ := s.privateMode(mode); cur != v {
			s.setPrivateMode(mode, v)
		}
	}
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

// enterAlt switches to the alternate screen: ?47 and ?1047 show what it held, ?1049
// saves the cursor first and clears it, as in xterm.
func (s *Screen) enterAlt(saveCursor, clearIt bool) {
	if saveCursor {
		s.saveCursor()
	}
	if !s.altActive {
		s.altActive = true
		s.cur = &s.alt
		s.markAllDirty()
	}
	if clearIt {
		s.clearAlt()
	}
	s.clampToLine()
}

func (s *Screen) clearAlt() {
	for i := range s.alt.lines {
		clearCells(s.alt.lines[i].cells, s.pen)
		s.alt.lines[i].wrapped = false
		s.alt.lines[i].attr = LineSingle
	}
	s.markAllDirty()
}

// leaveAlt switches back to the primary screen; ?1047 clears the alternate one first.
func (s *Screen) leaveAlt(clearIt, restoreCursor bool) {
	if s.altActive {
		if clearIt {
			s.clearAlt()
		}
		s.altActive = false
		s.cur = &s.prim
		s.markAllDirty()
	}
	if restoreCursor {
		s.restoreCursor()
	}
	s.clampToLine()
}

// saveCursor is DECSC: the active buffer remembers the cursor, pen, charsets and origin mode.
// What DECRC does with nothing saved (home, the default pen, ASCII) is kept as nothing
// saved: the same to restore, and the same as a screen that never saved, for comparing
// screens (an update's model, after a repaint's ESC 7).
func (s *Screen) saveCursor() {
	s.cur.saved = savedCursor{valid: true, cursor: s.cursor, origin: s.modes.Origin}
	if c := s.cursor; c.x == 0 && c.y == 0 && c.pen == (Style{}) && c.charsets == [4]byte{'B', 'B', 'B', 'B'} &&
		c.gl == 0 && c.ss == 0 && !s.modes.Origin {
		s.cur.saved = savedCursor{}
	}
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
	if s.modes.Origin { // as in xterm: inside the region and the margins
		s.y = min(max(s.y, s.top), s.bottom)
		s.x = min(max(s.x, s.left), s.right)
	}
	// A pending wrap is not restored, as in xterm and tmux.
	s.wrapnext = false
	s.clampToLine()
	s.changed = true
}
