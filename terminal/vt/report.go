package vt

import "strconv"

// Answers to the program's questions: device attributes, status reports, DECRQSS,
// presentation state reports. Every answer goes to Options.Reply; AnswersQuery says which
// sequences have one.

// Conformance levels (DECSCL).
const (
	levelVT100   = 61
	defaultLevel = 64 // a VT420, as xterm with decTerminalID 420 is
	maxLevel     = 65
)

// deviceAttributes is the DA1 answer: a VT100 with advanced video at level 1, else the
// VT220 with ANSI colour Duet has always answered (programs, and Duet's own session
// tests, key to it); the level itself is reported by DECRQSS.
func (s *Screen) deviceAttributes() string {
	if s.level == levelVT100 {
		return "\x1b[?1;2c"
	}
	return "\x1b[?62;22c"
}

// setLevel is DECSCL: a soft reset (DECSTR), as in xterm and DEC STD 070, then the level.
// The second parameter, 7- or 8-bit controls, is ignored: answers are always 7-bit.
func (s *Screen) setLevel(level int) {
	if level >= levelVT100 && level <= maxLevel {
		s.softReset()
		s.level = level
	}
}

// deviceStatus answers DSR (CSI Ps n) and, with dec set, the DEC-specific DSR (CSI ? Ps n).
func (s *Screen) deviceStatus(ps int, dec bool) {
	if !dec {
		switch ps {
		case 5:
			s.sendReply("\x1b[0n")
		case 6:
			s.reportCursor(false)
		}
		return
	}
	switch ps {
	case 6:
		s.reportCursor(true)
	case 15: // printer: none
		s.sendReply("\x1b[?13n")
	case 25: // user-defined keys: unlocked
		s.sendReply("\x1b[?20n")
	case 26: // keyboard: North American, ready, LK201
		s.sendReply("\x1b[?27;1;0;0n")
	case 53, 55: // locator: none
		s.sendReply("\x1b[?50n")
	case 56:
		s.sendReply("\x1b[?57;0n")
	case 62: // macro space: none
		s.sendReply("\x1b[0*{")
	case 63: // memory checksum
		s.sendReply("\x1bP" + strconv.Itoa(s.arg(1, 0)) + "!~0000\x1b\\")
	case 75: // data integrity: no errors
		s.sendReply("\x1b[?70n")
	case 85: // not configured for multiple sessions
		s.sendReply("\x1b[?83n")
	}
}

// reportCursor is CPR, or DECXCPR (which adds the page) with dec set.
func (s *Screen) reportCursor(dec bool) {
	y, x := s.y, s.x
	if s.modes.Origin {
		y -= s.top
		x -= s.left
	}
	if dec {
		s.sendReply("\x1b[?" + strconv.Itoa(y+1) + ";" + strconv.Itoa(x+1) + ";1R")
		return
	}
	s.sendReply("\x1b[" + strconv.Itoa(y+1) + ";" + strconv.Itoa(x+1) + "R")
}

// requestStatus answers DECRQSS (DCS $ q Pt ST) for SGR, DECSTBM, DECSLRM, DECSCUSR,
// DECSCA and DECSCL; anything else gets the "invalid" answer.
func (s *Screen) requestStatus(pt []byte) {
	var b []byte
	switch string(pt) {
	case "m":
		r := repainter{colon: true}
		r.sgrParams(s.pen)
		b = append(r.b, 'm')
	case "r":
		b = strconv.AppendInt(b, int64(s.top+1), 10)
		b = append(b, ';')
		b = strconv.AppendInt(b, int64(s.bottom+1), 10)
		b = append(b, 'r')
	case "s":
		b = strconv.AppendInt(b, int64(s.left+1), 10)
		b = append(b, ';')
		b = strconv.AppendInt(b, int64(s.right+1), 10)
		b = append(b, 's')
	case " q":
		b = strconv.AppendInt(b, int64(max(s.cursorStyle, 1)), 10)
		b = append(b, " q"...)
	case "\"q":
		if s.pen.Attr&attrProtected != 0 && s.protect == protectDEC {
			b = append(b, "1\"q"...)
		} else {
			b = append(b, "0\"q"...)
		}
	case "\"p":
		b = strconv.AppendInt(b, int64(s.level), 10)
		if s.level > levelVT100 {
			b = append(b, ";1"...)
		}
		b = append(b, "\"p"...)
	default:
		s.sendReply("\x1bP0$r\x1b\\")
		return
	}
	out := append([]byte("\x1bP1$r"), b...)
	s.sendReplyBytes(append(out, "\x1b\\"...))
}

// presentationReport answers DECRQPSR: the cursor information report (DECCIR) or the tab
// stop report (DECTABSR).
func (s *Screen) presentationReport(ps int) {
	switch ps {
	case 1:
		s.sendReplyBytes(s.cursorInfo())
	case 2:
		b := []byte("\x1bP2$u")
		first := true
		for x, t := range s.tabs {
			if t {
				if !first {
					b = append(b, '/')
				}
				b = strconv.AppendInt(b, int64(x+1), 10)
				first = false
			}
		}
		s.sendReplyBytes(append(b, "\x1b\\"...))
	}
}

// cursorInfo is DECCIR: position, page, rendition, protection, flags, shifts and the
// character sets designated.
func (s *Screen) cursorInfo() []byte {
	b := []byte("\x1bP1$u")
	b = strconv.AppendInt(b, int64(s.y+1), 10)
	b = append(b, ';')
	b = strconv.AppendInt(b, int64(s.x+1), 10)
	b = append(b, ";1;"...)
	rend := byte(0x40)
	for _, a := range []struct {
		attr Attr
		bit  byte
	}{{Bold, 1}, {Underline, 2}, {Blink, 4}, {Inverse, 8}} {
		if s.pen.Attr&a.attr != 0 {
			rend |= a.bit
		}
	}
	prot := byte(0x40)
	if s.pen.Attr&attrProtected != 0 {
		prot |= 1
	}
	flags := byte(0x40)
	if s.modes.Origin {
		flags |= 1
	}
	switch s.ss {
	case 2:
		flags |= 2
	case 3:
		flags |= 4
	}
	if s.wrapnext {
		flags |= 8
	}
	b = append(b, rend, ';', prot, ';', flags, ';')
	b = strconv.AppendInt(b, int64(s.gl), 10)
	b = append(b, ";2;O;"...) // xterm's character set size flags
	for _, cs := range s.charsets {
		b = append(b, cs)
	}
	return append(b, "\x1b\\"...)
}
