package wire

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

// NameRequest is the type of the channel request in which a Duet partner tells the host
// its display name (payload: one SSH string), on its session channel before it asks for
// a terminal and a shell, so that the host knows the name when it asks about the key. It
// is sent without asking for a reply, and only to a Duet host: an OpenSSH client never
// sends it, and the host names such a partner from the approved key's comment or asks.
// The name is the partner's claim, not checked: the host shows it as such.
const NameRequest = "duet-name@duetpair.github.io"

// MaxNameBytes bounds a name as sent and as accepted; MaxName bounds it, in characters,
// as shown.
const (
	MaxNameBytes = 256
	MaxName      = 40
)

// MarshalName returns the payload of a NameRequest carrying name (cut to MaxNameBytes).
func MarshalName(name string) []byte {
	return ssh.Marshal(&struct{ Name string }{bound(strings.ToValidUTF8(name, ""), MaxNameBytes)})
}

// ParseName reads a NameRequest's payload, and returns the name as it may be shown
// (see [CleanName]); "" if it holds none.
func ParseName(p []byte) (string, error) {
	var m struct{ Name string }
	if len(p) > MaxNameBytes+4 || ssh.Unmarshal(p, &m) != nil {
		return "", fmt.Errorf("malformed %s", NameRequest)
	}
	return CleanName(m.Name), nil
}

// CleanName returns a name from the other side of a connection (a display name, a key's
// comment) as it may be shown on one line: spaces at the ends trimmed, runs of white
// space made one space, and everything that is not visible text escaped as OpenSSH's
// strnvisx does (control characters, invalid UTF-8, direction overrides and other
// format characters, as \x1b or \u202e), cut to MaxName characters with "…". A
// backslash stays as it is (OpenSSH's VIS_NOSLASH), so that cleaning a clean name
// changes nothing: the host cleans again what the window hands back.
func CleanName(s string) string {
	var b strings.Builder
	space := false
	n := 0
	for i := 0; i < len(s) && n < MaxName+1; {
		r, size := utf8.DecodeRuneInString(s[i:])
		var piece string
		switch {
		case r == utf8.RuneError && size <= 1:
			piece = fmt.Sprintf(`\x%02x`, s[i])
		case r == ' ' || r == '\t' || r == '\u00a0' || r == '\u3000':
			space = b.Len() > 0
			i += size
			continue
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			piece = fmt.Sprintf(`\x%02x`, r)
		case unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs, unicode.Zl, unicode.Zp) || !unicode.IsPrint(r) && !unicode.IsGraphic(r):
			piece = fmt.Sprintf(`\u%04x`, r)
		default:
			piece = string(r)
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteString(piece)
		n += utf8.RuneCountInString(piece)
		i += size
	}
	out := b.String()
	if n > MaxName {
		r := []rune(out)
		out = strings.TrimRight(string(r[:MaxName-1]), " ") + "…"
	}
	return out
}
