//go:build unix

package keys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// checkPath checks path as sshd's StrictModes would: a symbolic link must be the user's
// (or root's), and what it names must belong to the user (or root) and not be writable
// by others (nor readable, for a private key). A config dir's parents are checked too:
// none may be writable by others unless it is sticky (as /tmp is), so nobody can swap
// the dir for their own. A missing path is no error: it is created private.
func checkPath(path string, kind fileKind) error {
	me := os.Getuid()
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if err := checkMode(path, kind, fi.Mode(), ownerOf(fi), me, true); err != nil {
			return err
		}
		if fi, err = os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil
		} else if err != nil {
			return err
		}
	}
	if err := checkMode(path, kind, fi.Mode(), ownerOf(fi), me, false); err != nil {
		return err
	}
	if kind != configDir {
		return nil
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	for dir := filepath.Dir(real); ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if owner := ownerOf(fi); owner != me && owner != 0 {
			return &UnsafeFileError{Path: dir, Why: "(a parent of the config dir) belongs to another user, who could replace the config dir",
				Fix: "--config-dir with a dir of your own"}
		}
		if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
			return &UnsafeFileError{Path: dir, Why: "(a parent of the config dir) can be written by other users, who could replace the config dir",
				Fix: "chmod go-w " + shellQuote(dir)}
		}
		if parent := filepath.Dir(dir); parent == dir {
			return nil
		}
	}
}

// ownerOf returns the uid owning fi's file, -1 if unknown.
func ownerOf(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}
