package duettest

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Signer returns a fresh ed25519 key.
func Signer(tb testing.TB) ssh.Signer {
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

// KeyAuth returns the authentication methods a Go client logs in to a Duet host with, as
// OpenSSH does: the signers' keys, then a keyboard-interactive step that answers no
// question (the host asks none: it is how an unknown key that was proven reaches the
// host's approval question). It fails if the server asks anything.
func KeyAuth(signers ...ssh.Signer) []ssh.AuthMethod {
	return []ssh.AuthMethod{ssh.PublicKeys(signers...), ssh.KeyboardInteractive(
		func(_, _ string, questions []string, _ []bool) ([]string, error) {
			if len(questions) > 0 {
				return nil, errors.New("duettest: the server asked a question")
			}
			return nil, nil
		})}
}

// PublicKey returns the public half of a fresh ed25519 key.
func PublicKey(tb testing.TB) ssh.PublicKey {
	tb.Helper()
	return Signer(tb).PublicKey()
}

// SeededPublicKey returns a fixed ed25519 public key for seed byte b, for fuzz targets.
func SeededPublicKey(tb testing.TB, b byte) ssh.PublicKey {
	tb.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = b
	pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed).Public())
	if err != nil {
		tb.Fatal(err)
	}
	return pub
}

// KeyFile creates an ed25519 key pair for an OpenSSH client (ssh -i): the private key
// file (0600, OpenSSH format, comment "test") in a temporary dir, and its signer.
func KeyFile(tb testing.TB) (string, ssh.Signer) {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "test")
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(TempDir(tb), "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		tb.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return path, signer
}

// LockedKeyFile writes a new ECDSA key protected by pass to path, in the legacy
// encrypted PEM format (old keys are in it, and its key derivation is quick under the
// race detector, unlike OpenSSH's bcrypt), and its public key to path.pub. It returns
// the public key.
func LockedKeyFile(tb testing.TB, path, pass string) ssh.PublicKey {
	tb.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	//lint:ignore SA1019 old keys are in this format; the tests need one
	block, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", der, []byte(pass), x509.PEMCipherAES128) //nolint:staticcheck
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		tb.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(&priv.PublicKey)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(pub), 0o644); err != nil {
		tb.Fatal(err)
	}
	return pub
}

// RawKey returns a fresh ed25519 key: its public half, and the private key as
// agent.AddedKey takes it.
func RawKey(tb testing.TB) (ssh.PublicKey, ed25519.PrivateKey) {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	return sp, priv
}
