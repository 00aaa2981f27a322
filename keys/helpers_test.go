package keys

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"
)

// newSigner returns a fresh ed25519 key.
func newSigner(tb testing.TB) ssh.Signer {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// newPub returns the public half of a fresh ed25519 key.
func newPub(tb testing.TB) ssh.PublicKey {
	tb.Helper()
	return newSigner(tb).PublicKey()
}

// seededPub returns a fixed ed25519 public key for seed byte b, for fuzz targets.
func seededPub(tb testing.TB, b byte) ssh.PublicKey {
	tb.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = b
	pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
	if err != nil {
		tb.Fatal(err)
	}
	return pub
}

// newStore returns a Store on a fresh temporary config dir.
func newStore(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(tb.TempDir(), "duet"))
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
