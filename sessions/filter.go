package sessions

import (
	"bytes"
	"unicode/utf8"
)

// Bounds of what the filter holds back while it decides about a sequence.
const (
	maxCSI    = 256  // a longer control sequence is dropped whole
	maxEsc    = 16   // an escape sequence with intermediates
	maxOSC    = 4096 // an operating system command that is passed (link, cwd, title)
	maxTitle  = 512  // a title, once sanitised
	utf8Bytes = 4
)

// outputFilter is what stands between a session's output and its clients' terminals. The
// screen model (terminal/vt) sees every byte and answers the queries it knows; a
// client's terminal must not act beyond the screen, as tmux's clients never do. So the
// filter removes:
//
//   - every sequence that makes a terminal answer (device attributes, status and cursor
//     reports, mode reports, XTVERSION, window and title reports, terminal parameters,
//     checksums, ENQ's answerback, DECID, DECRQSS and XTGETTCAP, colour and clipboard
//     queries): a partner's terminal would reply into the session, which a partner who
//     may type could use to inject input, or a program to read a partner's terminal;
//   - clipboard writes (OSC 52) and every other operating system command but titles
//     (sanitised: printable text, bounded), hyperlinks (OSC 8), the working directory
//     (OSC 7) and prompt marks (OSC 133); window operations (CSI t); the printer (CSI i);
//   - device control, application program, privacy message and start-of-string strings
//     (DCS, APC, PM, SOS: user-defined keys, tmux passthrough, graphics with queries);
//   - C1 controls (U+0080-U+009F, which some terminals take as 8-bit CSI or OSC), and
//     invalid UTF-8, which becomes U+FFFD.
//
// Everything else passes as it is, in whole sequences: a sequence or UTF-8 character cut
// at the end of a read is held back and sent whole with the next, so a client attaching
// in between starts with its repaint, then whole sequences. What a dropped sequence
// still brings in later reads is dropped too, without being held.
type outputFilter struct {
	state   filterState
	kind    byte   // the string's introducer (']' 'P' 'X' '^' '_'), in strings
	decided bool   // in a string: whether it is kept is known
	keep    bool   // in an OSC: it is passed (held until its end); else dropped
	held    []byte // the sequence (or UTF-8 character) being decided, from its first byte
	out     []byte // reused output buffer
}

type filterState uint8

const (
	stGround    filterState = iota
	stEsc                   // after ESC (and maybe intermediates)
	stCSI                   // in a control sequence, held
	stCSIDrop               // in a control sequence being dropped
	stString                // in OSC, DCS, SOS, PM or APC
	stStringEsc             // ESC inside a string: ST if '\' follows
	stUTF8                  // inside a multi-byte UTF-8 character
)

// special marks the bytes the ground state cannot pass on as they are.
var special = func() (t [256]bool) {
	t[0x1b], t[0x05] = true, true // ESC, ENQ
	for b := 0x80; b < 0x100; b++ {
		t[b] = true
	}
	return t
}()

// filter returns what of p to send to clients; the result is valid until the next call.
func (f *outputFilter) filter(p []byte) []byte {
	out := f.out[:0]
	for i := 0; i < len(p); {
		if f.state == stGround {
			// Fast paths: text (ASCII and whole UTF-8 characters), and control sequences
			// that are whole in p; the state machine below takes the rest, byte by byte.
			j := scanText(p, i)
			out = append(out, p[i:j]...)
			if i = j; i == len(p) {
				break
			}
			if n, pass := wholeCSI(p[i:]); n > 0 {
				if pass {
					out = append(out, p[i:i+n]...)
				}
				i += n
				continue
			}
		}
		out = f.step(out, p[i])
		i++
	}
	f.out = out
	return out
}

// scanText returns where the text that passes as it is ends in p, from i: printable
// ASCII and C0 controls but ESC and ENQ, and whole UTF-8 characters but C1 controls.
func scanText(p []byte, i int) int {
	for i < len(p) {
		for i < len(p) && !special[p[i]] {
			i++
		}
		if i == len(p) || p[i] < 0x80 {
			return i
		}
		r, size := utf8.DecodeRune(p[i:])
		if (r == utf8.RuneError && size <= 1) || (r >= 0x80 && r <= 0x9f) {
			return i
		}
		i += size
	}
	return i
}

// wholeCSI looks at p, which starts with ESC: if a control sequence is whole in it (and
// has nothing the state machine must see: controls inside, too long), it returns its
// length and whether it passes; else 0.
func wholeCSI(p []byte) (n int, pass bool) {
	if len(p) < 3 || p[0] != 0x1b || p[1] != '[' {
		return 0, false
	}
	for i := 2; i < len(p) && i < maxCSI; i++ {
		c := p[i]
		switch {
		case c >= 0x40 && c <= 0x7e:
			seq := p[:i+1]
			return i + 1, wellFormedCSI(seq) && !answersOrActs(seq)
		case c < 0x20 || c > 0x3f:
			return 0, false
		}
	}
	return 0, false
}

// step handles one byte in any state.
func (f *outputFilter) step(out []byte, c byte) []byte {
	switch f.state {
	case stGround:
		return f.ground(out, c)
	case stEsc:
		return f.escape(out, c)
	case stCSI, stCSIDrop:
		return f.csi(out, c)
	case stString, stStringEsc:
		return f.str(out, c)
	case stUTF8:
		return f.utf8(out, c)
	}
	return out
}

func (f *outputFilter) ground(out []byte, c byte) []byte {
	switch {
	case c == 0x1b:
		f.state, f.held = stEsc, append(f.held[:0], c)
	case c == 0x05: // ENQ: the terminal would send its answerback message
	case c < 0x80:
		out = append(out, c)
	case utf8.RuneStart(c) && c >= 0xc2 && c <= 0xf4:
		f.state, f.held = stUTF8, append(f.held[:0], c)
	default:
		out = append(out, "\uFFFD"...)
	}
	return out
}

// utf8 collects a multi-byte character: valid ones pass, except C1 controls.
func (f *outputFilter) utf8(out []byte, c byte) []byte {
	if c&0xc0 != 0x80 { // not a continuation: the character is broken
		f.state = stGround
		out = append(out, "\uFFFD"...)
		return f.ground(out, c)
	}
	f.held = append(f.held, c)
	if !utf8.FullRune(f.held) {
		if len(f.held) >= utf8Bytes {
			f.state = stGround
			out = append(out, "\uFFFD"...)
		}
		return out
	}
	f.state = stGround
	r, _ := utf8.DecodeRune(f.held)
	switch {
	case r == utf8.RuneError:
		return append(out, "\uFFFD"...)
	case r >= 0x80 && r <= 0x9f: // a C1 control in UTF-8: 8-bit CSI, OSC, ... to some terminals
		return out
	}
	return append(out, f.held...)
}

// control handles a control character inside an escape or control sequence, as
// terminals do; false if c is none.
func (f *outputFilter) control(out []byte, c byte) ([]byte, bool) {
	switch {
	case c == 0x1b: // a new escape: the old sequence is gone
		f.state, f.held = stEsc, append(f.held[:0], c)
	case c == 0x18 || c == 0x1a: // CAN, SUB: cancelled
		f.state = stGround
	case c < 0x20: // executed on the spot; the sequence goes on
		if c != 0x05 {
			out = append(out, c)
		}
	default:
		return out, false
	}
	return out, true
}

// escape handles the byte after ESC (or after ESC and intermediates).
func (f *outputFilter) escape(out []byte, c byte) []byte {
	if out, ok := f.control(out, c); ok {
		return out
	}
	switch {
	case c >= 0x20 && c <= 0x2f: // intermediate
		if f.held = append(f.held, c); len(f.held) > maxEsc {
			f.state = stGround // nonsense: dropped
		}
	case len(f.held) == 1 && c == '[':
		f.state, f.held = stCSI, append(f.held, c)
	case len(f.held) == 1 && (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_'):
		// Only an OSC may be kept; the others are dropped as they come.
		f.state, f.kind, f.keep, f.decided = stString, c, false, c != ']'
		f.held = append(f.held, c)
	case len(f.held) == 1 && c == 'Z': // DECID: the terminal answers as to DA
		f.state = stGround
	case c >= 0x30 && c <= 0x7e:
		f.state = stGround
		out = append(append(out, f.held...), c)
	default: // DEL or a byte from 0x80 up: not a sequence
		f.state = stGround
		return f.ground(out, c)
	}
	return out
}

// csi handles a byte of a control sequence: ESC [ prefix? params intermediates final.
func (f *outputFilter) csi(out []byte, c byte) []byte {
	if out, ok := f.control(out, c); ok {
		return out
	}
	switch {
	case c >= 0x40 && c <= 0x7e: // final byte
		drop := f.state == stCSIDrop
		f.state = stGround
		f.held = append(f.held, c)
		if drop || !wellFormedCSI(f.held) || answersOrActs(f.held) {
			return out
		}
		return append(out, f.held...)
	case c >= 0x20 && c <= 0x3f:
		if f.state == stCSI {
			if f.held = append(f.held, c); len(f.held) > maxCSI {
				f.state = stCSIDrop
			}
		}
		return out
	}
	// DEL or a byte from 0x80 up: the sequence is broken, and dropped.
	f.state = stGround
	return f.ground(out, c)
}

// str handles a byte of an OSC, DCS, SOS, PM or APC string, which ST ends (and BEL, for
// OSC). Only a few OSC are passed (see keepOSC); the rest is dropped as it comes.
func (f *outputFilter) str(out []byte, c byte) []byte {
	if f.state == stStringEsc {
		if c == '\\' {
			f.state = stGround
			return f.endString(out, "\x1b\\")
		}
		// ESC and something else: the string is abandoned (not acted on) and a new
		// escape begins.
		f.state, f.held = stEsc, append(f.held[:0], 0x1b)
		return f.escape(out, c)
	}
	switch {
	case c == 0x1b:
		f.state = stStringEsc
	case c == 0x07 && f.kind == ']':
		f.state = stGround
		return f.endString(out, "\x07")
	case c == 0x18 || c == 0x1a:
		f.state = stGround
	case !f.decided:
		// An OSC's number decides whether it is kept: held until the ';'.
		switch {
		case c == ';':
			f.decided, f.keep = true, keepOSC(f.held[2:])
		case c >= '0' && c <= '9' && len(f.held) < 2+8:
		default:
			f.decided = true // not a number we pass: dropped
		}
		if f.held = append(f.held, c); !f.keep && f.decided {
			f.held = f.held[:2]
		}
	case f.keep:
		if f.held = append(f.held, c); len(f.held) > maxOSC {
			f.keep, f.held = false, f.held[:2] // too long: dropped
		}
	}
	return out
}

// endString ends the string: a kept OSC is passed, sanitised, with its terminator.
func (f *outputFilter) endString(out []byte, st string) []byte {
	if f.kind == ']' && !f.decided && len(f.held) > 2 {
		// Ended before any ';': a colour reset (OSC 104, 110-119) is all there is.
		f.keep = isColourReset(f.held[2:])
		f.held = append(f.held, ';')
	}
	if !f.keep {
		return out
	}
	f.keep = false
	head, body := splitOSC(f.held)
	if isColour(head) && bytes.IndexByte(body, '?') >= 0 {
		return out // a colour question: the screen model answers it
	}
	if len(body) == 0 && isColour(head) {
		head = head[:len(head)-1] // OSC 104 and the like, as they came
	}
	limit := maxOSC
	if isTitle(head) {
		limit = maxTitle
	}
	out = append(out, head...)
	out = appendPrintable(out, body, limit)
	return append(out, st...)
}
