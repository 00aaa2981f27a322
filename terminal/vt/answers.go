package vt

import "bytes"

// AnswersQuery reports whether a Screen answers the control sequence seq (one complete
// sequence as a program sends it, from its ESC to its final byte or string terminator)
// through Options.Reply. A session's screen model answers such queries once for
// everybody, so they must not reach partners' terminals, which would answer again.
//
// Answered: DA1 (CSI c, CSI 0 c), DA2 (CSI > Ps c), XTVERSION (CSI > Ps q), DSR (CSI 5 n,
// CSI 6 n), the DEC DSRs (CSI ? Ps n for 6, 15, 25, 26, 53, 55, 56, 62, 63, 75 and 85),
// DECRQM (CSI Ps $ p, CSI ? Ps $ p), DECRQPSR (CSI 1 $ w, CSI 2 $ w), DECRQCRA
// (CSI ... * y), DECRQSS (DCS $ q Pt ST), and colour questions: OSC 4 and OSC 10-19 whose
// every colour is "?" (ended by BEL or ST). An OSC that sets some colours and asks for
// others is answered for its questions but reported false: dropping it would lose the
// colours it sets.
func AnswersQuery(seq []byte) bool {
	if len(seq) < 3 || seq[0] != 0x1b {
		return false
	}
	switch seq[1] {
	case '[':
		return answersCSI(seq[2:])
	case ']':
		body, ok := stringBody(seq[2:], true)
		return ok && answersOSC(body)
	case 'P':
		body, ok := stringBody(seq[2:], false)
		// Parameters, then $ q, then the request, which the screen keeps up to maxDCS.
		i := 0
		for i < len(body) && (body[i] >= '0' && body[i] <= '9' || body[i] == ';') {
			i++
		}
		return ok && bytes.HasPrefix(body[i:], []byte("$q")) && len(body)-i-2 <= maxDCS
	}
	return false
}

// stringBody returns what lies between the introducer and the terminator of an OSC or
// DCS string: ST (ESC \), or BEL for an OSC. It must hold no control that would cut it.
func stringBody(p []byte, bel bool) ([]byte, bool) {
	var body []byte
	switch {
	case bel && len(p) > 0 && p[len(p)-1] == 0x07:
		body = p[:len(p)-1]
	case len(p) > 1 && p[len(p)-2] == 0x1b && p[len(p)-1] == '\\':
		body = p[:len(p)-2]
	default:
		return nil, false
	}
	for _, c := range body {
		if c == 0x1b || c == 0x18 || c == 0x1a || c == 0x07 {
			return nil, false
		}
	}
	return body, len(body) <= maxOSC
}

// answersCSI decides for the bytes after ESC [.
func answersCSI(p []byte) bool {
	var prefix byte
	if len(p) > 0 && p[0] >= '<' && p[0] <= '?' {
		prefix, p = p[0], p[1:]
	}
	i := 0
	for i < len(p) && (p[i] >= '0' && p[i] <= '9' || p[i] == ';' || p[i] == ':') {
		i++
	}
	params := p[:i]
	j := i
	for j < len(p) && p[j] >= 0x20 && p[j] <= 0x2F {
		j++
	}
	inter := p[i:j]
	if j != len(p)-1 || p[j] < 0x40 || p[j] > 0x7E || len(inter) > 1 || bytes.Count(params, []byte{';'}) >= maxParams {
		return false
	}
	final := p[j]
	first := firstParam(params)
	switch string(inter) {
	case "":
		switch {
		case final == 'c' && prefix == 0:
			return first == 0
		case final == 'c' || final == 'q':
			return prefix == '>'
		case final == 'n' && prefix == 0:
			return first == 5 || first == 6
		case final == 'n' && prefix == '?':
			switch first {
			case 6, 15, 25, 26, 53, 55, 56, 62, 63, 75, 85:
				return true
			}
		}
	case "$":
		switch final {
		case 'p':
			return prefix == 0 || prefix == '?'
		case 'w':
			return prefix == 0 && (first == 1 || first == 2)
		}
	case "*":
		return final == 'y' && prefix == 0
	}
	return false
}

// firstParam returns the first parameter's value (0 when missing), as Screen.arg reads it.
func firstParam(params []byte) int {
	n := 0
	for _, c := range params {
		if c < '0' || c > '9' {
			break
		}
		n = min(n*10+int(c-'0'), maxParam)
	}
	return n
}

// answersOSC decides for an OSC string: colour questions and nothing else.
func answersOSC(body []byte) bool {
	num, arg, ok := bytes.Cut(body, []byte{';'})
	if !ok || len(arg) == 0 || len(num) > 4 {
		return false
	}
	if !isDecimal(num) {
		return false
	}
	cmd := firstParam(num)
	fields := bytes.Split(arg, []byte{';'})
	switch {
	case cmd == 4:
		if len(fields)%2 != 0 {
			return false
		}
		for i := 0; i < len(fields); i += 2 {
			idx := fields[i]
			if !isDecimal(idx) || firstParam(idx) > 255 || string(fields[i+1]) != "?" {
				return false
			}
		}
		return true
	case cmd >= 10 && cmd <= 19:
		if len(fields) > NumColorSlots-SlotForeground-(cmd-10) {
			return false
		}
		for _, f := range fields {
			if string(f) != "?" {
				return false
			}
		}
		return true
	}
	return false
}

// isDecimal reports whether b is one or more decimal digits.
func isDecimal[T string | []byte](b T) bool {
	for i := 0; i < len(b); i++ {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	return len(b) > 0
}
