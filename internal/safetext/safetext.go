// Package safetext shows text that came from the other side of a connection as data:
// a partner's SSH user name, client version and key comment, a server's banner, a
// host's messages and refusals. Every character that could move the cursor, clear the
// screen, change colours or modes, reorder the text around it (bidirectional controls)
// or break a line is escaped, as OpenSSH's strnvisx does (VIS_OCTAL: ESC is shown as
// \033), and the result is bounded in length.
//
// Escape where the text is printed or put in a widget, never before storing it: what
// is stored (approved_keys comments, logs) keeps its own rules.
//
// Package safetext imports no package of Duet, so every package may use it.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds for the usual places text from the other side is shown.
const (
	// MaxName bounds a name: a user name, a key comment, a session name, a client
	// version.
	MaxName = 100
	// MaxLine bounds one line of a message: a refusal, a kick message, an error.
	MaxLine = 600
	// MaxText bounds a message of several lines: a server's banner.
	MaxText = 4096
)

// ellipsis ends a text that was cut.
const ellipsis = "…"

// Line returns s as one line of at most limit bytes: every character that is not
// printable (control characters including tab and line breaks, DEL, C1 controls,
// format characters such as bidirectional overrides, invalid UTF-8) is shown as the
// octal escapes of its bytes (\033). A backslash is kept as it is (OpenSSH's
// VIS_NOSLASH), so escaping twice changes nothing: text shown through several layers
// is escaped once. A cut text ends with "…"; an escape is never cut in two.
func Line(s string, limit int) string {
	var b strings.Builder
	appendLine(&b, s, limit, false)
	return b.String()
}

// Text is Line for text of several lines (a banner): line breaks ("\n", "\r\n") and
// tabs are kept, everything else is escaped as by Line, and the whole is at most limit
// bytes. The result has no line break at its end.
func Text(s string, limit int) string {
	s = strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var b strings.Builder
	appendLine(&b, s, limit, true)
	return b.String()
}

// appendLine writes the escaped s to b, at most limit bytes in all; multi keeps "\n" and
// tabs.
func appendLine(b *strings.Builder, s string, limit int, multi bool) {
	limit = max(limit, len(ellipsis))
	room := limit - len(ellipsis) // the longest cut text, before its ellipsis
	cut := -1                     // b.Len() at the last escape boundary within room
	var esc [4 * 4]byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		piece := s[i : i+size]
		switch {
		case r == utf8.RuneError && size == 1:
			piece = octal(esc[:0], s[i:i+1])
		case multi && (r == '\n' || r == '\t'):
		case !printable(r):
			piece = octal(esc[:0], piece)
		}
		if b.Len() <= room {
			cut = b.Len()
		}
		if b.Len()+len(piece) > limit {
			out := b.String()[:cut]
			b.Reset()
			b.WriteString(out)
			b.WriteString(ellipsis)
			return
		}
		b.WriteString(piece)
		i += size
	}
}

// printable reports whether r is shown as it is: a graphic character or the space.
func printable(r rune) bool {
	return r == ' ' || (r != utf8.RuneError && unicode.IsPrint(r))
}

// octal returns the bytes of p as \ooo escapes, appended to buf.
func octal(buf []byte, p string) string {
	for i := 0; i < len(p); i++ {
		c := p[i]
		buf = append(buf, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
	}
	return string(buf)
}
