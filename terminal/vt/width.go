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
	switch {
	case r >= 0x1160 && r <= 0x11FF, r >= 0xD7B0 && r <= 0xD7FF:
		// Conjoining Hangul vowels and final consonants join the initial consonant
		// before them into one syllable (as in xterm's and glibc's wcwidth).
		return 0
	case r >= 0xE0000 && r <= 0xE0FFF: // tags and variation selectors
		return 0
	}
	return widthCond.RuneWidth(r)
}

const zeroWidthJoiner rune = 0x200D

// ignoredRune reports whether r is dropped instead of printed: C1 controls that arrive as
// UTF-8 (xterm and tmux do not print them either), the line and paragraph separators, and
// noncharacters.
func ignoredRune(r rune) bool {
	return r >= 0x80 && r < 0xA0 || r == 0x2028 || r == 0x2029 ||
		r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE
}

// RuneWidth returns the cells r takes on a Screen: 0 for combining marks and other
// zero-width characters, 2 for wide ones (CJK, emoji), else 1. Text drawn next to a
// screen (a status line) is measured with it, as the screen measures what it prints.
func RuneWidth(r rune) int { return runeWidth(r) }
