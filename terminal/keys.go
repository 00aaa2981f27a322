package terminal

import (
	"strconv"

	"fyne.io/fyne/v2"

	"github.com/duetpair/duet/terminal/vt"
)

// xtermMod is xterm's modifier parameter: 1 + shift + 2*alt + 4*ctrl (+ 8*super as meta).
func xtermMod(m fyne.KeyModifier) int {
	n := 1
	if m&fyne.KeyModifierShift != 0 {
		n++
	}
	if m&fyne.KeyModifierAlt != 0 {
		n += 2
	}
	if m&fyne.KeyModifierControl != 0 {
		n += 4
	}
	if m&fyne.KeyModifierSuper != 0 {
		n += 8
	}
	return n
}

// cursorKeys are the keys that end in a letter: ESC [ X, or ESC O X in application mode.
var cursorKeys = map[fyne.KeyName]byte{
	fyne.KeyUp: 'A', fyne.KeyDown: 'B', fyne.KeyRight: 'C', fyne.KeyLeft: 'D',
	fyne.KeyHome: 'H', fyne.KeyEnd: 'F',
}

// ss3Keys are F1-F4: ESC O P..S, or ESC [ 1 ; m P..S with modifiers.
var ss3Keys = map[fyne.KeyName]byte{fyne.KeyF1: 'P', fyne.KeyF2: 'Q', fyne.KeyF3: 'R', fyne.KeyF4: 'S'}

// tildeKeys are ESC [ n ~ keys.
var tildeKeys = map[fyne.KeyName]int{
	fyne.KeyInsert: 2, fyne.KeyDelete: 3, fyne.KeyPageUp: 5, fyne.KeyPageDown: 6,
	fyne.KeyF5: 15, fyne.KeyF6: 17, fyne.KeyF7: 18, fyne.KeyF8: 19, fyne.KeyF9: 20,
	fyne.KeyF10: 21, fyne.KeyF11: 23, fyne.KeyF12: 24,
}

// shifted is what Shift gives on a US layout, for Alt/Ctrl combinations that arrive as
// key names rather than characters.
var shifted = map[byte]byte{
	'1': '!', '2': '@', '3': '#', '4': '$', '5': '%', '6': '^', '7': '&', '8': '*', '9': '(',
	'0': ')', '-': '_', '=': '+', '[': '{', ']': '}', '\\': '|', ';': ':', '\'': '"',
	',': '<', '.': '>', '/': '?', '`': '~',
}

// encodeKey returns the bytes xterm sends for a key with modifiers, or nil for a key that
// sends nothing (a modifier alone, an unknown key).
func encodeKey(name fyne.KeyName, mods fyne.KeyModifier, m vt.Modes) []byte {
	mod := xtermMod(mods)
	if c, ok := cursorKeys[name]; ok {
		switch {
		case mod > 1:
			return []byte("\x1b[1;" + strconv.Itoa(mod) + string(c))
		case m.AppCursor:
			return []byte{0x1b, 'O', c}
		}
		return []byte{0x1b, '[', c}
	}
	if c, ok := ss3Keys[name]; ok {
		if mod > 1 {
			return []byte("\x1b[1;" + strconv.Itoa(mod) + string(c))
		}
		return []byte{0x1b, 'O', c}
	}
	if n, ok := tildeKeys[name]; ok {
		if mod > 1 {
			return []byte("\x1b[" + strconv.Itoa(n) + ";" + strconv.Itoa(mod) + "~")
		}
		return []byte("\x1b[" + strconv.Itoa(n) + "~")
	}
	alt := mods&fyne.KeyModifierAlt != 0
	ctrl := mods&fyne.KeyModifierControl != 0
	shift := mods&fyne.KeyModifierShift != 0
	var out []byte
	switch name {
	case fyne.KeyReturn:
		out = []byte{'\r'}
		if m.Newline {
			out = []byte("\r\n")
		}
	case fyne.KeyEnter: // the keypad's Enter
		switch {
		case m.AppKeypad:
			out = []byte("\x1bOM")
		case m.Newline:
			out = []byte("\r\n")
		default:
			out = []byte{'\r'}
		}
	case fyne.KeyBackspace:
		out = []byte{0x7f}
		if ctrl {
			out = []byte{0x08}
		}
	case fyne.KeyTab:
		if shift {
			return []byte("\x1b[Z")
		}
		out = []byte{'\t'}
	case fyne.KeyEscape:
		out = []byte{0x1b}
	case fyne.KeySpace:
		out = []byte{' '}
		if ctrl {
			out = []byte{0}
		}
	default:
		if len(name) != 1 {
			return nil
		}
		c := name[0]
		if c >= 'A' && c <= 'Z' {
			switch {
			case ctrl:
				c &= 0x1f
			case !shift:
				c += 'a' - 'A'
			}
		} else {
			if ctrl {
				cc, ok := ctrlSymbol(c, shift)
				if !ok {
					return nil
				}
				c = cc
			} else if shift {
				if s, ok := shifted[c]; ok {
					c = s
				}
			}
		}
		out = []byte{c}
	}
	if alt {
		out = append([]byte{0x1b}, out...)
	}
	return out
}

// ctrlSymbol maps Ctrl with a digit or punctuation key to its control character, as xterm
// does: Ctrl+2 and Ctrl+@ NUL, Ctrl+[ ESC, Ctrl+\ FS, Ctrl+] GS, Ctrl+^ RS, Ctrl+_ and
// Ctrl+/ US, Ctrl+3..7 ESC FS GS RS US, Ctrl+8 DEL.
func ctrlSymbol(c byte, shift bool) (byte, bool) {
	if shift {
		if s, ok := shifted[c]; ok {
			c = s
		}
	}
	switch c {
	case '2', '@', ' ':
		return 0, true
	case '3', '[':
		return 0x1b, true
	case '4', '\\':
		return 0x1c, true
	case '5', ']':
		return 0x1d, true
	case '6', '^', '~', '`':
		return 0x1e, true
	case '7', '/', '_', '-':
		return 0x1f, true
	case '8', '?':
		return 0x7f, true
	}
	return 0, false
}

// encodePaste wraps pasted text in bracketed-paste markers when the program asked for
// them. Line breaks become CR, as a typed Enter; the end marker is removed from the text
// so a paste cannot escape the brackets.
func encodePaste(text string, m vt.Modes) []byte {
	b := make([]byte, 0, len(text)+12)
	if m.BracketedPaste {
		b = append(b, "\x1b[200~"...)
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\r' && i+1 < len(text) && text[i+1] == '\n':
			// CR LF is one line break.
		case c == '\n':
			b = append(b, '\r')
		case c == 0x1b && m.BracketedPaste && len(text)-i >= 6 && text[i:i+6] == "\x1b[201~":
			i += 5
		default:
			b = append(b, c)
		}
	}
	if m.BracketedPaste {
		b = append(b, "\x1b[201~"...)
	}
	return b
}
