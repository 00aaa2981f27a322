package vt

import (
	"bytes"
	"strconv"
)

// maxTitle bounds titles and other OSC strings kept in the screen state.
const maxTitle = 4096

// oscDispatch handles a complete OSC string "Ps ; Pt".
func (s *Screen) oscDispatch(b []byte) {
	num, arg, semi := bytes.Cut(b, []byte{';'})
	cmd, err := strconv.Atoi(string(num))
	if err != nil || !isDecimal(num) || len(num) > 4 || !semi && cmd != 104 && (cmd < 110 || cmd > 119) {
		return
	}
	switch cmd {
	case 0:
		s.title = sanitize(arg)
		s.iconName = s.title
		s.changed = true
	case 1:
		s.iconName = sanitize(arg)
	case 2:
		s.title = sanitize(arg)
		s.changed = true
	case 7:
		s.cwd = sanitize(arg)
	case 8:
		s.setLink(arg)
	case 52:
		s.clipboard = string(arg)
	case 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 104, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119:
		s.oscColors(cmd, string(arg))
	}
}

// setLink handles OSC 8 "params;uri": a non-empty uri starts a hyperlink, an empty one
// ends it.
func (s *Screen) setLink(arg []byte) {
	semi := bytes.IndexByte(arg, ';')
	if semi < 0 {
		return
	}
	uri := arg[semi+1:]
	if len(uri) == 0 || len(arg) > maxTitle {
		s.pen.Link = 0
		return
	}
	if id, ok := links.id(sanitize(arg)); ok {
		s.pen.Link = uint16(id + 1)
	} else {
		s.pen.Link = 0
	}
}

// sanitize keeps a string from the program printable: control characters are dropped
// and the length is bounded.
func sanitize(b []byte) string {
	if len(b) > maxTitle {
		b = b[:maxTitle]
	}
	clean := true
	for _, c := range b {
		if c < 0x20 || c == 0x7F {
			clean = false
			break
		}
	}
	if clean {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c >= 0x20 && c != 0x7F {
			out = append(out, c)
		}
	}
	return string(out)
}
