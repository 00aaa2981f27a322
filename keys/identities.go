package keys

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
)

// PassphraseFunc is asked for the passphrase of the private key file path. An error
// (the user cancelled, there is nobody to ask) means the key is not used.
type PassphraseFunc func(path string) ([]byte, error)

// ErrPassphrase is matched (errors.Is) by the error of a key whose passphrase was wrong
// every time it was asked for.
var ErrPassphrase = errors.New("wrong passphrase")

// passphraseTries is how often a wrong passphrase is asked for again.
const passphraseTries = 3

// userKeyNames are the private keys of ~/.ssh tried first, in this order, as OpenSSH
// does; other id_* files follow in name order.
var userKeyNames = []string{"id_ed25519", "id_ecdsa", "id_rsa"}

// LoadSigner reads the private key file path (OpenSSH, PKCS#1, PKCS#8 or SEC 1 format).
// A key protected by a passphrase is returned locked if its public half is known (from
// the file itself or path.pub): passphrase is asked only when a server accepts the key,
// once; otherwise passphrase is asked at once. With a nil passphrase such a key is an
// error. As OpenSSH does, a key file other users can read or write is refused (an
// error matching ErrUnsafeFile), and so are DSA keys.
func LoadSigner(path string, passphrase PassphraseFunc) (ssh.Signer, error) {
	if err := checkPath(path, privateFile); err != nil {
		return nil, fmt.Errorf("load key: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load key %q: %w", path, err)
	}
	signer, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	if err != nil && isEncryptedPKCS8(data) {
		missing, err = &ssh.PassphraseMissingError{}, &ssh.PassphraseMissingError{}
	}
	if !errors.As(err, &missing) {
		if ferr := keyFormatError(path, data); ferr != nil {
			return nil, fmt.Errorf("load key: %w", ferr)
		}
		if err != nil {
			return nil, fmt.Errorf("load key %q: %w", path, err)
		}
		if signer.PublicKey().Type() == dsaKeyType {
			return nil, fmt.Errorf("load key %q: %w", path, errDSA)
		}
		return signer, nil
	}
	if missing.PublicKey != nil && strings.HasPrefix(missing.PublicKey.Type(), "sk-") {
		return nil, fmt.Errorf("load key: %w", keyFormatError(path, data))
	}
	if passphrase == nil {
		return nil, fmt.Errorf("load key %q: protected by a passphrase, and there is nobody to ask", path)
	}
	ls := &lockedSigner{path: path, data: data, ask: passphrase, pub: missing.PublicKey}
	if ls.pub == nil {
		ls.pub = readPub(path + ".pub")
	}
	if ls.pub == nil { // nothing tells the public key: unlock now
		if _, err := ls.unlock(); err != nil {
			return nil, err
		}
		ls.pub = ls.signer.PublicKey()
	}
	return ls, nil
}

// UserSigners returns the user's OpenSSH keys: the id_* private keys in dir (normally
// ~/.ssh), standard names first. Keys protected by a passphrase come last, locked (see
// [LoadSigner]), and are skipped if passphrase is nil. Files that cannot be used are
// reported in errs and skipped; a missing dir is no error.
func UserSigners(dir string, passphrase PassphraseFunc) (signers []ssh.Signer, errs []error) {
	paths, err := filepath.Glob(filepath.Join(dir, "id_*"))
	if err != nil {
		return nil, []error{err}
	}
	paths = slices.DeleteFunc(paths, func(p string) bool {
		fi, err := os.Stat(p)
		return strings.HasSuffix(p, ".pub") || err != nil || !fi.Mode().IsRegular()
	})
	rank := func(p string) int {
		if i := slices.Index(userKeyNames, filepath.Base(p)); i >= 0 {
			return i
		}
		return len(userKeyNames)
	}
	slices.SortStableFunc(paths, func(a, b string) int { return rank(a) - rank(b) })
	var locked []ssh.Signer
	for _, p := range paths {
		s, err := LoadSigner(p, passphrase)
		switch {
		case err != nil:
			errs = append(errs, err)
		case isLocked(s):
			locked = append(locked, s)
		default:
			signers = append(signers, s)
		}
	}
	return append(signers, locked...), errs
}

// readPub reads the public key file path; nil if it cannot.
func readPub(path string) ssh.PublicKey {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil
	}
	return pub
}

func isLocked(s ssh.Signer) bool {
	_, ok := s.(*lockedSigner)
	return ok
}

// lockedSigner is a key protected by a passphrase, asked for at the first signature.
type lockedSigner struct {
	path string
	data []byte
	ask  PassphraseFunc
	pub  ssh.PublicKey

	mu     sync.Mutex // guards the fields below; held while asking
	signer ssh.AlgorithmSigner
	err    error // a final failure to unlock: not asked again
}

func (s *lockedSigner) PublicKey() ssh.PublicKey { return s.pub }

func (s *lockedSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	signer, err := s.unlock()
	if err != nil {
		return nil, err
	}
	return signer.Sign(rand, data)
}

func (s *lockedSigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	signer, err := s.unlock()
	if err != nil {
		return nil, err
	}
	return signer.SignWithAlgorithm(rand, data, algorithm)
}

// unlock asks for the passphrase until it is right, up to passphraseTries times.
func (s *lockedSigner) unlock() (ssh.AlgorithmSigner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signer != nil || s.err != nil {
		return s.signer, s.err
	}
	for range passphraseTries {
		pass, err := s.ask(s.path)
		if err != nil {
			s.err = fmt.Errorf("unlock key %q: %w", s.path, err)
			return nil, s.err
		}
		signer, err := parseWithPassphrase(s.data, pass)
		clear(pass)
		if errors.Is(err, x509.IncorrectPasswordError) || errors.Is(err, ErrPassphrase) {
			continue
		}
		if err != nil {
			s.err = fmt.Errorf("unlock key %q: %w", s.path, err)
			return nil, s.err
		}
		as, ok := signer.(ssh.AlgorithmSigner)
		if !ok {
			s.err = fmt.Errorf("unlock key %q: unsupported key type %s", s.path, signer.PublicKey().Type())
			return nil, s.err
		}
		if s.pub != nil && !sameKey(s.pub, signer.PublicKey()) {
			s.err = fmt.Errorf("unlock key %q: does not match its public key", s.path)
			return nil, s.err
		}
		s.signer, s.data = as, nil
		return as, nil
	}
	s.err = fmt.Errorf("unlock key %q: %w", s.path, ErrPassphrase)
	return nil, s.err
}

// DefaultSSHDir returns the user's OpenSSH dir, ~/.ssh; "" if there is no home dir.
func DefaultSSHDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".ssh")
}
