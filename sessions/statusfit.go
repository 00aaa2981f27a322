package sessions

import (
	"bytes"
	"fmt"
	"strconv"
)

// fitRows fits output meant for a terminal of rows rows to a taller one whose rows
// below those are the status line's (see statusline.go). It rewrites the sequences that
// would reach below row rows there but not on the program's terminal: a scroll region
// whose bottom is the whole screen (DECSTBM with no bottom, or one below rows) gets rows
// as its bottom, and absolute cursor moves to a row below rows (CUP, HVP, VPA) go to row
// rows. damaged reports a sequence after which the status line must be drawn again: it
// clears or fills the screen below the cursor (ED), switches screens, resets the
// terminal (RIS, DECSTR, DECSCL), restores modes (XTRESTORE), works on rectangles, or
// moves down regardless of the region (VPR, which leaves the cursor below the session's
// rows until the next absolute move; programs use CUD and VPA instead).
//
// p holds whole sequences (the output filter passes nothing else). out is p itself when
// nothing was rewritten (rewrote is false), else dst[:0] with the fitted output appended.
func fitRows(dst, p []byte, rows int) (out []byte, rewrote, damaged bool) {
	done := 0 // p[:done] is in dst, once rewrote
	for i := 0; ; {
		j := bytes.IndexByte(p[i:], 0x1b)
		if j < 0 {
			break
		}
		i += j
		n, fix, dmg := fitSequence(p[i:], rows)
		damaged = damaged || dmg
		if fix != nil {
			if !rewrote {
				dst, rewrote = dst[:0], true
			}
			dst = append(dst, p[done:i]...)
			dst = append(dst, fix...)
			done = i + n
		}
		i += max(n, 1)
		if i >= len(p) {
			break
		}
	}
	if !rewrote {
		return p, false, damaged
	}
	return append(dst, p[done:]...), true, damaged
}

// fitSequence looks at the escape sequence at the start of p (p[0] is ESC): its length,
// what replaces it (nil: it stays), and whether it damages the status line.
func fitSequence(p []byte, rows int) (n int, fix []byte, damaged bool) {
	if len(p) < 2 {
		return 1, nil, false
	}
	switch p[1] {
	case '[':
		return fitCSI(p, rows)
	case ']', 'P', 'X', '^', '_': // a string (only OSC gets here): to its end
		for i := 2; i < len(p); i++ {
			if p[i] == 0x07 {
				return i + 1, nil, false
			}
			if p[i] == 0x1b && i+1 < len(p) && p[i+1] == '\\' {
				return i + 2, nil, false
			}
		}
		return len(p), nil, false
	case 'c': // RIS
		return 2, nil, true
	case '#':
		return 3, nil, len(p) > 2 && p[2] == '8' // DECALN fills the screen with E
	}
	return 2, nil, false
}

// fitCSI handles a control sequence: ESC [ prefix? params intermediates final.
func fitCSI(p []byte, rows int) (n int, fix []byte, damaged bool) {
	i := 2
	var prefix byte
	if i < len(p) && p[i] >= '<' && p[i] <= '?' {
		prefix = p[i]
		i++
	}
	ps := i
	for i < len(p) && (p[i] >= '0' && p[i] <= '9' || p[i] == ';' || p[i] == ':') {
		i++
	}
	params := p[ps:i]
	is := i
	for i < len(p) && p[i] >= 0x20 && p[i] <= 0x2f {
		i++
	}
	inter := p[is:i]
	if i >= len(p) || p[i] < 0x40 || p[i] > 0x7e {
		return i, nil, false // not a whole sequence: left as it is
	}
	final := p[i]
	n = i + 1
	switch {
	case len(inter) == 1 && inter[0] == '$':
		// DECCRA, DECFRA, DECERA, DECSERA, DECCARA, DECRARA may reach any row.
		return n, nil, bytes.IndexByte([]byte("vxz{rt"), final) >= 0
	case len(inter) == 1 && (inter[0] == '!' || inter[0] == '"') && final == 'p':
		return n, nil, true // DECSTR, DECSCL: soft resets
	case len(inter) > 0:
		return n, nil, false
	case prefix == '?':
		switch final {
		case 'h', 'l':
			return n, nil, hasParam(params, 3, 47, 1047, 1049) // DECCOLM, the alternate screen
		case 'r', 's':
			return n, nil, final == 'r' // XTRESTORE
		case 'J':
			return n, nil, !hasParam(params, 1, 3) // DECSED below the cursor
		}
		return n, nil, false
	case prefix != 0:
		return n, nil, false
	}
	switch final {
	case 'J': // ED: 0 (below the cursor) and 2 (all) reach the status line
		return n, nil, !hasParam(params, 1, 3)
	case 'e': // VPR goes down to the terminal's bottom, whatever the region
		return n, nil, true
	case 'r': // DECSTBM
		top, bottom, ok := twoParams(params)
		if !ok || (bottom > 0 && bottom <= rows) {
			return n, nil, false
		}
		return n, fmt.Appendf(nil, "\x1b[%d;%dr", max(top, 1), rows), false
	case 'H', 'f': // CUP, HVP
		row, rest, ok := firstParam(params)
		if !ok || row <= rows {
			return n, nil, false
		}
		fix = append(append([]byte("\x1b["), strconv.Itoa(rows)...), rest...)
		return n, append(fix, final), false
	case 'd': // VPA
		row, rest, ok := firstParam(params)
		if !ok || row <= rows || len(rest) > 0 {
			return n, nil, false
		}
		return n, fmt.Appendf(nil, "\x1b[%dd", rows), false
	}
	return n, nil, false
}

// firstParam reads the first parameter of params (0 if it is empty) and returns what
// follows it (";5"); false if it has sub-parameters or is out of range.
func firstParam(params []byte) (v int, rest []byte, ok bool) {
	end := bytes.IndexByte(params, ';')
	if end < 0 {
		end = len(params)
	}
	first := params[:end]
	if bytes.IndexByte(first, ':') >= 0 || len(first) > 6 {
		return 0, nil, false
	}
	for _, d := range first {
		v = v*10 + int(d-'0')
	}
	return v, params[end:], true
}

// twoParams reads a "top;bottom" parameter list (either may be empty: 0).
func twoParams(params []byte) (a, b int, ok bool) {
	if bytes.IndexByte(params, ':') >= 0 || len(params) > 13 {
		return 0, 0, false
	}
	first, second, _ := bytes.Cut(params, []byte{';'})
	if bytes.IndexByte(second, ';') >= 0 {
		return 0, 0, false
	}
	for _, d := range first {
		a = a*10 + int(d-'0')
	}
	for _, d := range second {
		b = b*10 + int(d-'0')
	}
	return a, b, true
}

// hasParam reports whether one of params' numbers (an empty one is 0) is among want.
func hasParam(params []byte, want ...int) bool {
	for len(params) >= 0 {
		field, rest, more := bytes.Cut(params, []byte{';'})
		v := 0
		for _, d := range field {
			if d < '0' || d > '9' || v > 1<<20 {
				v = -1
				break
			}
			v = v*10 + int(d-'0')
		}
		for _, w := range want {
			if v == w {
				return true
			}
		}
		if !more {
			return false
		}
		params = rest
	}
	return false
}
