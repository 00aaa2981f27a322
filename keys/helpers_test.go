package keys

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

// newStore returns a Store on a fresh temporary config dir.
func newStore(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(duettest.TempDir(tb), "duet"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func writeFile(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		tb.Fatal(err)
	}
}

func mode(tb testing.TB, path string) os.FileMode {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Mode().Perm()
}
