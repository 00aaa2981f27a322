package wire

import (
	"bytes"
	"strconv"
)

// SizedRequest is the type of the channel request in which a Duet window asks the host,
// on its session channel before its shell and without wanting a reply, to say in the
// output the size of the terminal it is for: the window then draws the session at
// exactly that size and shades the rest of its terminal, as the host's own window does
// when a partner's smaller terminal makes the session smaller. The host says it with a
// size mark (AppendSizeMark) in the output, before the first byte and before the
// repaint that follows every change, so the size changes exactly where the output does.
// `duet join` in a terminal does not ask: its terminal cannot be a size it is not.
const SizedRequest = "duet-sized@duetpair.github.io"

// A size mark is an APC string, which terminals ignore and a Duet host removes from
// what programs write: ESC _ duet-size;COLS;ROWS ESC \.
const (
	sizeMarkPrefix = "\x1b_duet-size;"
	sizeMarkEnd    = "\x1b\\"
	// maxSizeMark bounds a mark: the prefix, two numbers of up to 4 digits, ';', ST.
	maxSizeMark = len(sizeMarkPrefix) + 4 + 1 + 4 + len(sizeMarkEnd)
	// MaxMarkedCols and MaxMarkedRows bound the size a mark may say (a host's
	// sessions.MaxCols x sessions.MaxRows, with room to spare).
	MaxMarkedCols = 1000
	MaxMarkedRows = 1000
)

// AppendSizeMark appends the mark that says the output after it is for a terminal of
// cols x rows.
func AppendSizeMark(dst []byte, cols, rows int) []byte {
	dst = append(dst, sizeMarkPrefix...)
	dst = strconv.AppendInt(dst, int64(min(max(cols, 1), MaxMarkedCols)), 10)
	dst = append(dst, ';')
	dst = strconv.AppendInt(dst, int64(min(max(rows, 1), MaxMarkedRows)), 10)
	return append(dst, sizeMarkEnd...)
}

// SizeAt is a size mark found in the output: the output from byte At of what
// SizeMarks.Take returned on is for a terminal of Cols x Rows.
type SizeAt struct {
	At         int
	Cols, Rows int
}

// SizeMarks takes the size marks out of a Duet host's output as it arrives in pieces
// (a mark may be split between two). Everything else passes as it is, including an APC
// string that is not a well-formed mark (a terminal ignores it).
type SizeMarks struct {
	held []byte // the start of what may be a mark, at the end of the last piece
}

// Take appends p, without the marks in it, to dst, and returns it with the marks found,
// each at its offset in the returned slice.
func (m *SizeMarks) Take(dst, p []byte) ([]byte, []SizeAt) {
	if len(m.held) > 0 {
		p = append(m.held, p...)
		m.held = nil
	}
	var marks []SizeAt
	for len(p) > 0 {
		i := bytes.IndexByte(p, 0x1b)
		if i < 0 {
			dst = append(dst, p...)
			break
		}
		dst = append(dst, p[:i]...)
		p = p[i:]
		n, cols, rows, state := parseSizeMark(p)
		switch state {
		case markPartial:
			m.held = append([]byte(nil), p...)
			return dst, marks
		case markFound:
			marks = append(marks, SizeAt{At: len(dst), Cols: cols, Rows: rows})
			p = p[n:]
		default: // not a mark: the ESC passes, and what follows is looked at again
			dst = append(dst, p[0])
			p = p[1:]
		}
	}
	return dst, marks
}

const (
	markNone = iota
	markPartial
	markFound
)

// parseSizeMark reads a mark at the start of p (which starts with ESC): its length and
// size, or that p may be the start of one, or that it is not one.
func parseSizeMark(p []byte) (n, cols, rows, state int) {
	pre := min(len(p), len(sizeMarkPrefix))
	if !bytes.Equal(p[:pre], []byte(sizeMarkPrefix[:pre])) {
		return 0, 0, 0, markNone
	}
	if len(p) <= len(sizeMarkPrefix) {
		return 0, 0, 0, markPartial
	}
	var nums [2]int
	k, i := 0, len(sizeMarkPrefix)
	digits := 0
	for ; i < len(p) && i < maxSizeMark; i++ {
		c := p[i]
		switch {
		case c >= '0' && c <= '9' && digits < 4 && (digits > 0 || c != '0'): // as AppendSizeMark writes it
			nums[k] = nums[k]*10 + int(c-'0')
			digits++
			continue
		case c == ';' && k == 0 && digits > 0:
			k, digits = 1, 0
			continue
		case c == 0x1b && k == 1 && digits > 0:
			if i+1 == len(p) {
				return 0, 0, 0, markPartial
			}
			if p[i+1] != '\\' || nums[0] < 1 || nums[1] < 1 || nums[0] > MaxMarkedCols || nums[1] > MaxMarkedRows {
				return 0, 0, 0, markNone
			}
			return i + 2, nums[0], nums[1], markFound
		}
		return 0, 0, 0, markNone
	}
	if i == len(p) && i < maxSizeMark {
		return 0, 0, 0, markPartial
	}
	return 0, 0, 0, markNone
}
