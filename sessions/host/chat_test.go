package host

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzLineEditor: whatever a partner types into the chat, the line it edits stays
// bounded and holds visible text only (it is echoed to the partner's terminal and said
// to everyone), and every key is taken.
func FuzzLineEditor(f *testing.F) {
	for _, s := range []string{"hello\r", "ab\x7f\x7fc\x15d\r", "\x1b[A\x1b[Bx", "\xc2\x9b2J", "\u202eevil\r", "\x03", "\x04", "é\x7f"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		var e lineEditor
		for len(p) > 0 {
			before := len(p)
			var ev editEvent
			p, ev = e.key(p)
			if len(p) >= before {
				t.Fatal("a key was not taken")
			}
			if len(e.line) > maxChatInput || !utf8.Valid(e.line) {
				t.Fatalf("line of %d bytes, valid %v", len(e.line), utf8.Valid(e.line))
			}
			for _, r := range string(e.line) {
				if unicode.IsControl(r) || !unicode.IsPrint(r) && !unicode.IsSpace(r) {
					t.Fatalf("the line holds %U", r)
				}
			}
			if ev == editSend {
				e.line = e.line[:0]
			}
		}
	})
}
