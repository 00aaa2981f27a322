package wire

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/safetext"
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
// space made one space, everything that is not visible text escaped as everywhere else
// (internal/safetext: OpenSSH's strnvisx, ESC as \033), cut to MaxName characters with
// "…". A backslash stays as it is, so that cleaning a clean name changes nothing: the
// host cleans again what the window hands back.
func CleanName(s string) string {
	s = strings.Join(strings.FieldsFunc(s, isSpace), " ")
	out := safetext.Line(s, 8*MaxNameBytes)
	if utf8.RuneCountInString(out) <= MaxName {
		return out
	}
	cut := string([]rune(out)[:MaxName-1])
	// Never cut an escape (\ooo) in two.
	if i := strings.LastIndexByte(cut, '\\'); i >= 0 && i >= len(cut)-3 && isOctal(cut[i+1:]) {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ") + "…"
}

// isSpace is the white space a name's words are split at.
func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u00a0' || r == '\u3000'
}

// isOctal reports whether s is all octal digits.
func isOctal(s string) bool {
	for _, c := range s {
		if c < '0' || c > '7' {
			return false
		}
	}
	return true
}
