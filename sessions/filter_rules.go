package sessions

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// wellFormedCSI reports whether seq (ESC [ ... final) is a control sequence as ECMA-48
// lays it out: one optional private marker (< = > ?), parameters (digits ; :), then
// intermediates and the final byte. Anything else is dropped: terminals disagree on it.
func wellFormedCSI(seq []byte) bool {
	b := seq[2 : len(seq)-1]
	if len(b) > 0 && b[0] >= '<' && b[0] <= '?' {
		b = b[1:]
	}
	i := 0
	for i < len(b) && ((b[i] >= '0' && b[i] <= '9') || b[i] == ';' || b[i] == ':') {
		i++
	}
	for i < len(b) && b[i] >= 0x20 && b[i] <= 0x2f {
		i++
	}
	return i == len(b)
}

// answersOrActs reports whether the control sequence seq makes a terminal answer or act
// beyond its screen: it is then removed from what clients get.
func answersOrActs(seq []byte) bool {
	b := seq[2:]
	var prefix byte
	if b[0] >= '<' && b[0] <= '?' {
		prefix, b = b[0], b[1:]
	}
	final := b[len(b)-1]
	i := len(b) - 1
	for i > 0 && b[i-1] >= 0x20 && b[i-1] <= 0x2f {
		i--
	}
	inter := string(b[i : len(b)-1])
	switch inter {
	case "":
		switch final {
		case 'c': // DA1, DA2 (>), DA3 (=)
			return true
		case 'n': // DSR and DECXCPR and the like: status, cursor, keyboard, locator ...
			return prefix == 0 || prefix == '?'
		case 'q': // XTVERSION
			return prefix == '>'
		case 't': // window operations and reports (title, size, position), title modes
			return true
		case 'x': // DECREQTPARM
			return prefix == 0
		case 'i': // media copy: the printer
			return true
		case 'm': // XTQMODKEYS
			return prefix == '?'
		case 'u': // the kitty keyboard protocol's query
			return prefix == '?'
		case 'S': // XTSMGRAPHICS
			return prefix == '?'
		case 'T': // XTRMTITLE
			return prefix == '>'
		}
	case "$":
		// DECRQM (p), DECRQPSR (w), DECRQTSR (u)
		return final == 'p' || final == 'w' || final == 'u'
	case "*":
		return final == 'y' // DECRQCRA: a checksum of the screen
	case "&":
		return final == 'u' // DECRQUPSS
	case "\"":
		return final == 'v' // DECRQDE
	case "#":
		return final == '|' || final == 'y' // XTREPORTSGR, XTCHECKSUM
	}
	return false
}

// keepOSC reports whether the operating system command numbered num is passed on:
// titles (0, 1, 2), the working directory (7), hyperlinks (8), prompt marks (133), and
// colour changes (4, 10-19, 104, 110-119; the screen model repaints them too, and
// answers their questions itself: see endString). The clipboard (52), notifications,
// fonts and the rest stay on the host.
func keepOSC(num []byte) bool {
	switch string(num) {
	case "0", "1", "2", "7", "8", "133":
		return true
	}
	return colourOSC(string(num))
}

// colourOSC reports whether the OSC numbered n changes colours: 4, 10-19, 104, 110-119.
func colourOSC(n string) bool {
	switch len(n) {
	case 1:
		return n == "4"
	case 2:
		return n[0] == '1'
	case 3:
		return n == "104" || (n[0] == '1' && n[1] == '1')
	}
	return false
}

// isColour reports whether head (ESC ] num ;) changes colours.
func isColour(head []byte) bool { return colourOSC(string(head[2 : len(head)-1])) }

// isColourReset reports whether num, an OSC with nothing after it, resets colours.
func isColourReset(num []byte) bool {
	n := string(num)
	return n != "4" && colourOSC(n) && len(n) == 3
}

// splitOSC splits a held OSC (ESC ] num ; body) after its ';'.
func splitOSC(held []byte) (head, body []byte) {
	i := bytes.IndexByte(held, ';')
	return held[:i+1], held[i+1:]
}

// isTitle reports whether head (ESC ] num ;) sets a title.
func isTitle(head []byte) bool {
	n := string(head[2 : len(head)-1])
	return n == "0" || n == "1" || n == "2"
}

// appendPrintable appends of p its printable characters (valid UTF-8, no control
// characters), at most limit bytes.
func appendPrintable(out, p []byte, limit int) []byte {
	n := 0
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		if (r == ' ' || unicode.IsPrint(r)) && r != utf8.RuneError {
			if n+size > limit {
				break
			}
			out = append(out, p[:size]...)
			n += size
		}
		p = p[size:]
	}
	return out
}
