package terminal

import (
	"strconv"
	"unicode/utf8"

	"fyne.io/fyne/v2"

	"github.com/duetpair/duet/terminal/vt"
)

// Mouse buttons as xterm numbers them in reports.
const (
	mouseLeft      = 0
	mouseMiddle    = 1
	mouseRight     = 2
	mouseNone      = 3 // a release in the legacy encodings, or motion with no button
	mouseWheelUp   = 64
	mouseWheelDown = 65
)

type mouseAction int

const (
	mousePress mouseAction = iota
	mouseRelease
	mouseMotion
)

// encodeMouse returns the report for a mouse event at cell (x, y) (0-based), or nil when
// the program's mouse mode does not want it.
func encodeMouse(button int, act mouseAction, x, y int, mods fyne.KeyModifier, m vt.Modes) []byte {
	switch m.Mouse {
	case vt.MouseNone:
		return nil
	case vt.MouseX10:
		if act != mousePress {
			return nil
		}
		mods = 0
	case vt.MouseNormal:
		if act == mouseMotion {
			return nil
		}
	case vt.MouseButton:
		if act == mouseMotion && button == mouseNone {
			return nil
		}
	}
	if act == mouseRelease && (button == mouseWheelUp || button == mouseWheelDown) {
		return nil // wheels have no release
	}
	code := button
	if act == mouseRelease && m.MouseEncoding != vt.MouseEncodingSGR {
		code = mouseNone
	}
	if act == mouseMotion {
		code += 32
	}
	if mods&fyne.KeyModifierShift != 0 {
		code += 4
	}
	if mods&fyne.KeyModifierAlt != 0 {
		code += 8
	}
	if mods&fyne.KeyModifierControl != 0 {
		code += 16
	}
	cx, cy := x+1, y+1
	switch m.MouseEncoding {
	case vt.MouseEncodingSGR:
		final := "M"
		if act == mouseRelease {
			final = "m"
		}
		return []byte("\x1b[<" + strconv.Itoa(code) + ";" + strconv.Itoa(cx) + ";" + strconv.Itoa(cy) + final)
	case vt.MouseEncodingURXVT:
		return []byte("\x1b[" + strconv.Itoa(32+code) + ";" + strconv.Itoa(cx) + ";" + strconv.Itoa(cy) + "M")
	case vt.MouseEncodingUTF8:
		b := []byte{0x1b, '[', 'M', byte(32 + code)}
		for _, v := range []int{cx, cy} {
			b = utf8.AppendRune(b, rune(min(32+v, 2047)))
		}
		return b
	}
	if cx > 223 || cy > 223 {
		return nil // the legacy encoding cannot say where
	}
	return []byte{0x1b, '[', 'M', byte(32 + code), byte(32 + cx), byte(32 + cy)}
}

// encodeFocus is the report of mode 1004.
func encodeFocus(in bool) []byte {
	if in {
		return []byte("\x1b[I")
	}
	return []byte("\x1b[O")
}
