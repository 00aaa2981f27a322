package keys

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// ErrUnsafeFile is matched (errors.Is) by the error of a config dir or key file that
// another user could change (or read, for a private key), as sshd's StrictModes and
// OpenSSH's "UNPROTECTED PRIVATE KEY FILE" refuse them.
var ErrUnsafeFile = errors.New("unsafe file permissions")

// UnsafeFileError says why a file or dir is not used, and how to fix it, in one line.
type UnsafeFileError struct {
	Path string
	Why  string // "can be written by other users", ...
	Fix  string // a command that fixes it, or what to do
}

func (e *UnsafeFileError) Error() string {
	return fmt.Sprintf("%s %s; fix it with: %s", e.Path, e.Why, e.Fix)
}

func (e *UnsafeFileError) Unwrap() error { return ErrUnsafeFile }

// fileKind is what a checked path holds, for what others may do to it.
type fileKind uint8

const (
	publicFile  fileKind = iota // others may read it, not write it: approved_keys, known_hosts, .pub
	privateFile                 // others may neither read nor write it: private keys
	configDir                   // others may not write it (nor replace what is in it)
)

// CheckPrivateKey returns an *UnsafeFileError if the private key file path is a
// symbolic link someone else owns, is owned by another user, or can be read or written
// by other users; a missing file is no error.
func CheckPrivateKey(path string) error { return checkPath(path, privateFile) }

// checkMode checks a mode and owner (uid, -1 if unknown) found for path; link says it
// is the symbolic link itself.
func checkMode(path string, kind fileKind, mode fs.FileMode, owner, me int, link bool) error {
	what := "the file"
	if kind == configDir {
		what = "the config dir"
	}
	if owner >= 0 && owner != me && owner != 0 {
		if link {
			return &UnsafeFileError{Path: path, Why: fmt.Sprintf("is a symbolic link that another user (uid %d) made", owner),
				Fix: fmt.Sprintf("rm %s (and check who put it there)", shellQuote(path))}
		}
		return &UnsafeFileError{Path: path, Why: fmt.Sprintf("belongs to another user (uid %d)", owner),
			Fix: fmt.Sprintf("chown %d %s, or use %s of your own", me, shellQuote(path), what)}
	}
	if link {
		return nil
	}
	perm := mode.Perm()
	switch {
	case kind == privateFile && perm&0o077 != 0:
		return &UnsafeFileError{Path: path, Why: "can be read by other users, which a private key must not",
			Fix: "chmod 600 " + shellQuote(path)}
	case perm&0o022 != 0:
		return &UnsafeFileError{Path: path, Why: "can be written by other users",
			Fix: "chmod go-w " + shellQuote(path)}
	}
	return nil
}

// shellQuote quotes path for a shell command line if it needs it.
func shellQuote(path string) string {
	for _, r := range path {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '/' || r == '.' || r == '-' || r == '_') {
			return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
		}
	}
	return path
}
