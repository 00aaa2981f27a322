package duettest

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TempDir returns a new temporary directory that is removed when the test ends:
// tb.TempDir, except under Wine (make test-windows), where Go's removal of it uses a kind
// of file deletion Wine does not implement and would fail the test; there the directory
// is removed name by name, and what cannot be removed is logged.
func TempDir(tb testing.TB) string {
	tb.Helper()
	if !UnderWine() {
		return tb.TempDir()
	}
	dir, err := os.MkdirTemp("", "duet-test")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := removeEach(dir); err != nil {
			tb.Logf("under Wine, left %s: %v", dir, err)
		}
	})
	return dir
}

// removeEach removes dir and everything in it, one name at a time, deepest first.
func removeEach(dir string) error {
	var paths []string
	filepath.WalkDir(dir, func(p string, _ fs.DirEntry, _ error) error {
		paths = append(paths, p)
		return nil
	})
	slices.Reverse(paths)
	var first error
	for _, p := range paths {
		if err := os.Remove(p); err != nil && first == nil {
			first = err
		}
	}
	return first
}
