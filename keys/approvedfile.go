package keys

import (
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// approvedHeader starts a new approved_keys file.
const approvedHeader = `# Duet approved keys: partners who may join the sessions you host.
# One public key per line, in OpenSSH authorized_keys format; edit by hand if you like,
# Duet re-reads this file when it changes. The role goes before the key:
#   duet-role=type ssh-ed25519 AAAA... alice@laptop   can type
#   duet-role=view ssh-ed25519 AAAA... bob@desktop    view only
# A key without duet-role gets the host's default role. Other options are not supported.
`

// approvedFile is the content of approved_keys: every line as written, with the keys
// and problems read from them.
type approvedFile struct {
	lines []line
}

func parseApproved(data []byte) *approvedFile {
	return &approvedFile{lines: parseLines(data)}
}

// entries returns the approved keys, in file order.
func (f *approvedFile) entries() []Entry {
	var es []Entry
	for _, l := range f.lines {
		if l.err == nil && l.entry.Key != nil {
			es = append(es, l.entry)
		}
	}
	return es
}

// problems returns one *LineError per line that could not be read.
func (f *approvedFile) problems(name string) []error {
	var errs []error
	for _, l := range f.lines {
		if l.err != nil {
			errs = append(errs, &LineError{Name: name, Line: l.entry.Line, Err: l.err})
		}
	}
	return errs
}

// lookup returns the first entry for pub.
func (f *approvedFile) lookup(pub ssh.PublicKey) (Entry, bool) {
	for _, l := range f.lines {
		if l.err == nil && l.entry.Key != nil && sameKey(l.entry.Key, pub) {
			return l.entry, true
		}
	}
	return Entry{}, false
}

// add approves pub with role, replacing the first line of pub if any (and dropping
// the others), keeping the old comment if comment is empty. It reports whether the file
// changed.
func (f *approvedFile) add(pub ssh.PublicKey, role Role, comment string) bool {
	comment = cleanComment(comment)
	old, found := f.lookup(pub)
	if found && comment == "" {
		comment = old.Comment
	}
	raw := AuthorizedKey(pub, comment)
	opts := slices.Clone(old.options) // from= and expiry-time= stay as written
	if role != RoleDefault {
		opts = append([]string{roleOption + "=" + role.String()}, opts...)
	}
	if len(opts) > 0 {
		raw = strings.Join(opts, ",") + " " + raw
	}
	if f.crlf() {
		raw += "\r"
	}
	if !found {
		f.lines = append(f.lines, line{raw: raw})
		return true
	}
	changed := false
	kept := f.lines[:0]
	for _, l := range f.lines {
		if l.err == nil && l.entry.Key != nil && sameKey(l.entry.Key, pub) {
			if l.entry.Line != old.Line {
				changed = true
				continue
			}
			if l.raw != raw {
				l.raw, changed = raw, true
			}
		}
		kept = append(kept, l)
	}
	f.lines = kept
	return changed
}

// remove drops every line of the key with fingerprint fp and reports whether there was one.
func (f *approvedFile) remove(fp string) bool {
	removed := false
	kept := f.lines[:0]
	for _, l := range f.lines {
		if l.err == nil && l.entry.Key != nil && Fingerprint(l.entry.Key) == fp {
			removed = true
			continue
		}
		kept = append(kept, l)
	}
	f.lines = kept
	return removed
}

// crlf reports whether the file uses Windows line ends, so that new lines match.
func (f *approvedFile) crlf() bool {
	return len(f.lines) > 0 && strings.HasSuffix(f.lines[0].raw, "\r")
}

// bytes returns the file's content; every line ends with a newline.
func (f *approvedFile) bytes() []byte {
	var b strings.Builder
	for _, l := range f.lines {
		b.WriteString(l.raw)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
