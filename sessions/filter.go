package sessions

import (
	"bytes"
	"unicode/utf8"
)

// maxHeld bounds a control sequence kept back at the end of a read: longer ones pass as
// they are.
const maxHeld = 64

// queryFilter removes from the output sent to clients the terminal queries that the
// session's screen model answers itself (see the package doc), so each is answered once.
//
// It also keeps back a control sequence or UTF-8 character cut off at the end of a read and
// sends it whole with the next one, so a client attaching in between starts with its
// repaint, then whole sequences.
type queryFilter struct {
	held []byte // the cut-off tail of the previous read
	out  []byte // reused output buffer
}

// filter returns what of p (and the held tail) to send to clients; the result is valid
// until the next call.
func (f *queryFilter) filter(p []byte) []byte {
	in := p
	if len(f.held) > 0 {
		f.held = append(f.held, p...)
		in = f.held
	}
	out := f.out[:0]
	for {
		i := bytes.IndexByte(in, 0x1b)
		if i < 0 {
			break
		}
		n, query, complete := scanCSI(in[i:])
		if !complete {
			if len(in)-i <= maxHeld {
				out = append(out, in[:i]...)
				in = in[i:]
				return f.keep(out, in)
			}
			n = 1 // too long to be a query: pass it on
		}
		if query {
			out = append(out, in[:i]...)
		} else {
			out = append(out, in[:i+n]...)
		}
		in = in[i+n:]
	}
	// Keep back a UTF-8 character cut in two.
	cut := incompleteUTF8(in)
	out = append(out, in[:len(in)-cut]...)
	return f.keep(out, in[len(in)-cut:])
}

// keep saves tail for the next call and returns out.
func (f *queryFilter) keep(out, tail []byte) []byte {
	f.out = out
	if len(tail) == 0 {
		f.held = f.held[:0]
		return out
	}
	// tail may point into f.held itself.
	f.held = append(f.held[:0:0], tail...)
	return out
}

// incompleteUTF8 returns how many bytes at the end of p start a UTF-8 character that is
// not complete.
func incompleteUTF8(p []byte) int {
	for i := 1; i <= 3 && i <= len(p); i++ {
		b := p[len(p)-i]
		if b < 0x80 {
			return 0
		}
		if utf8.RuneStart(b) {
			if !utf8.FullRune(p[len(p)-i:]) {
				return i
			}
			return 0
		}
	}
	return 0
}

// scanCSI looks at p, which starts with ESC. It returns the length of the escape sequence
// to treat as a unit (1 if p is not a CSI sequence), whether it is a query the screen
// model answers, and false if p ends before the sequence does.
func scanCSI(p []byte) (n int, query, complete bool) {
	if len(p) < 2 {
		return 0, false, false
	}
	if p[1] != '[' {
		return 1, false, true
	}
	i := 2
	var prefix byte
	if i < len(p) && p[i] >= '<' && p[i] <= '?' {
		prefix = p[i]
		i++
	}
	paramStart := i
	for i < len(p) && p[i] >= '0' && p[i] <= '?' {
		i++
	}
	params := p[paramStart:i]
	interStart := i
	for i < len(p) && p[i] >= ' ' && p[i] <= '/' {
		i++
	}
	inter := p[interStart:i]
	if i == len(p) {
		return 0, false, false
	}
	final := p[i]
	if final < '@' || final > '~' {
		// A control character inside the sequence, or a broken one: not ours to judge.
		return 1, false, true
	}
	return i + 1, isAnsweredQuery(prefix, string(params), string(inter), final), true
}

// isAnsweredQuery reports whether the screen model (terminal/vt) answers this CSI sequence:
// DA1, DA2, XTVERSION, DSR 5 and 6, DECXCPR, and DECRQM.
func isAnsweredQuery(prefix byte, params, inter string, final byte) bool {
	switch {
	case inter == "$" && final == 'p':
		return prefix == 0 || prefix == '?'
	case inter != "":
		return false
	case final == 'c':
		return (prefix == 0 && (params == "" || params == "0")) || prefix == '>'
	case final == 'q':
		return prefix == '>'
	case final == 'n':
		return (prefix == 0 && (params == "5" || params == "6")) || (prefix == '?' && params == "6")
	}
	return false
}
