package keys

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

var errNotPublicKey = errors.New("not a public key")

// Fingerprint returns the SHA256 fingerprint of pub exactly as OpenSSH prints it:
// "SHA256:" and unpadded base64.
func Fingerprint(pub ssh.PublicKey) string { return ssh.FingerprintSHA256(pub) }

// AuthorizedKey returns pub as one authorized_keys line ("ssh-ed25519 AAAA... comment"),
// without a newline. Control characters in comment become spaces.
func AuthorizedKey(pub ssh.PublicKey, comment string) string {
	line := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(pub)), "\n")
	if c := cleanComment(comment); c != "" {
		line += " " + c
	}
	return line
}

// cleanComment makes s safe as the comment of a key line: one line, no control characters,
// no surrounding space.
func cleanComment(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s))
}

// Entry is a public key read from text in authorized_keys format.
type Entry struct {
	Key     ssh.PublicKey
	Role    Role   // from the duet-role option; RoleDefault without it
	Comment string // text after the key
	Line    int    // 1-based line number in the text
	// From is the from="..." option's patterns ("" for none): the addresses the key is
	// approved from, as sshd's (addresses, CIDR, * and ?, ! to exclude; no host names).
	From string
	// Expires is the expiry-time option: after it the key is not approved (zero: never).
	Expires time.Time

	options []string // the options kept as written (from=, expiry-time=), for rewrites
}

// Fingerprint returns the SHA256 fingerprint of the entry's key.
func (e Entry) Fingerprint() string { return Fingerprint(e.Key) }

// LineError is a problem with one line of a file of keys. Line is 0 for a problem with
// the whole file.
type LineError struct {
	Name string // the file, or "-" for standard input
	Line int
	Err  error
}

func (e *LineError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.Name, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// ParsePublicKeys reads public keys in authorized_keys format from text: a pasted key,
// a .pub file, or several lines of either. name names the text in errors. It returns
// the keys it read and one *LineError per line it could not read (and one if there is
// no key at all); the error text never repeats the line, which could be a private key.
func ParsePublicKeys(name string, text []byte) ([]Entry, []error) {
	var keys []Entry
	var errs []error
	for _, l := range parseLines(text) {
		if l.err != nil {
			errs = append(errs, &LineError{Name: name, Line: l.entry.Line, Err: l.err})
		} else if l.entry.Key != nil {
			keys = append(keys, l.entry)
		}
	}
	if len(keys) == 0 && len(errs) == 0 {
		errs = append(errs, &LineError{Name: name, Err: errors.New("no public key found")})
	}
	return keys, errs
}

// line is one line of a file of keys. Lines that are neither keys nor problems (blank
// lines, comments, the inside of a pasted block) have neither entry.Key nor err.
type line struct {
	raw   string // as in the file, without "\n"
	entry Entry  // entry.Line is set for every line
	err   error
}

// parseLines splits text into lines and reads a key from each line that holds one.
func parseLines(text []byte) []line {
	if len(text) == 0 {
		return nil
	}
	raws := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	lines := make([]line, len(raws))
	skipTo := -1 // inside a pasted PEM or RFC 4716 block: the index of its last line
	for i, raw := range raws {
		l := &lines[i]
		l.raw, l.entry.Line = raw, i+1
		s := strings.TrimSpace(raw)
		if i == 0 {
			s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")) // byte order mark
		}
		switch {
		case i <= skipTo:
		case s == "" || s[0] == '#':
		case strings.HasPrefix(s, "-----BEGIN") && strings.Contains(s, "PRIVATE KEY"):
			l.err = errors.New("a private key: give the public key (.pub file) instead")
			skipTo = blockEnd(raws, i, "-----END")
		case strings.HasPrefix(s, "---- BEGIN SSH2 PUBLIC KEY"):
			l.err = errors.New("an RFC 4716 public key: convert it with ssh-keygen -i -f FILE")
			skipTo = blockEnd(raws, i, "---- END SSH2 PUBLIC KEY")
		default:
			l.entry, l.err = parseKeyLine(s, i+1)
		}
	}
	return lines
}

// blockEnd returns the index of the line after begin that starts with end, or begin if
// there is none: an unterminated block does not hide the lines after it.
func blockEnd(raws []string, begin int, end string) int {
	for i := begin + 1; i < len(raws); i++ {
		if strings.HasPrefix(strings.TrimSpace(raws[i]), end) {
			return i
		}
	}
	return begin
}

// dsaKeyType is the type of DSA keys.
const dsaKeyType = "ssh-dss"

// errDSA refuses DSA keys, as OpenSSH 9 does: only 1024 bits, and SHA-1 signatures.
var errDSA = errors.New("a DSA key, which is no longer safe (OpenSSH 9 refuses them too): use an ed25519 key")

// parseKeyLine reads one authorized_keys line that is not blank or a comment.
func parseKeyLine(s string, n int) (Entry, error) {
	e := Entry{Line: n}
	pub, comment, opts, _, err := ssh.ParseAuthorizedKey([]byte(s))
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			return e, fmt.Errorf("%w (%s)", errNotPublicKey, truncate(printable(inner.Error()), 100))
		}
		return e, errNotPublicKey
	}
	if pub.Type() == dsaKeyType {
		return e, errDSA
	}
	if _, ok := pub.(*ssh.Certificate); ok {
		return e, errCertificate
	}
	e.Key, e.Comment = pub, comment
	if err := e.readOptions(opts); err != nil {
		return Entry{Line: n}, err
	}
	return e, nil
}

// errCertificate refuses certificates: Duet approves keys, and a certificate line can
// never match the key a partner proves.
var errCertificate = errors.New("a certificate, not a key: Duet approves keys; give the key itself (the .pub file without -cert)")

// readOptions reads the options Duet honours: duet-role, from= and expiry-time= (as
// sshd does). Any other (restrict, no-pty, command=, ...) refuses the line: Duet cannot
// do what it asks, and a key must not get more than its line says.
func (e *Entry) readOptions(opts []string) error {
	seen := make(map[string]bool)
	for _, o := range opts {
		name, value, _ := strings.Cut(o, "=")
		name = strings.ToLower(name)
		if seen[name] {
			return fmt.Errorf("more than one %s option", truncate(name, 40))
		}
		seen[name] = true
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		switch name {
		case roleOption:
			r, err := ParseRole(value)
			if err != nil {
				return err
			}
			e.Role = r
		case "from":
			if err := checkFrom(value); err != nil {
				return err
			}
			e.From = value
			e.options = append(e.options, o)
		case "expiry-time":
			t, err := parseExpiry(value)
			if err != nil {
				return err
			}
			e.Expires = t
			e.options = append(e.options, o)
		default:
			return fmt.Errorf("unsupported option %q (Duet honours only %s=, from= and expiry-time=): the line approves nobody",
				truncate(name, 40), roleOption)
		}
	}
	return nil
}

// printable replaces control characters and invalid UTF-8 in s, for error messages.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, strings.ToValidUTF8(s, "?"))
}

// truncate shortens s to at most n bytes (and "..."), cutting between runes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// sameKey reports whether a and b are the same public key.
func sameKey(a, b ssh.PublicKey) bool { return bytes.Equal(a.Marshal(), b.Marshal()) }
