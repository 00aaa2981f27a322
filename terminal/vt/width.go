package vt

import "github.com/mattn/go-runewidth"

// widthCond measures characters as a UTF-8 xterm does: East Asian ambiguous characters are
// narrow, emoji with emoji presentation are wide.
var widthCond = &runewidth.Condition{StrictEmojiNeutral: true}

// runeWidth returns the cells r takes: 0 for combining marks and other zero-width
// characters, 2 for wide ones, else 1.
func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	switch r {
	case 0x200B, 0x200C, zeroWidthJoiner, 0x2060, 0xFE0E, 0xFE0F: // zero width (joiners, selectors)
		return 0
	}
	return widthCond.RuneWidth(r)
}

const zeroWidthJoiner rune = 0x200D

// ignoredRune reports whether r is dropped instead of printed: C1 controls that arrive as
// UTF-8 (xterm and tmux do not print them either) and noncharacters.
func ignoredRune(r rune) bool {
	return r >= 0x80 && r < 0xA0 || r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE
}
