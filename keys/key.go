package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strings"

	"golang.org/x/crypto/ssh"
)

// HostKeyComment is the comment of a new host key.
const HostKeyComment = "duet host key"

// Key is a private key loaded from the config dir.
type Key struct {
	Signer  ssh.Signer
	Comment string // from the .pub file
	Path    string // of the private key file; the public key is Path + ".pub"
}

// PublicKey returns the public half of the key.
func (k *Key) PublicKey() ssh.PublicKey { return k.Signer.PublicKey() }

// Fingerprint returns the key's SHA256 fingerprint as OpenSSH prints it.
func (k *Key) Fingerprint() string { return Fingerprint(k.Signer.PublicKey()) }

// AuthorizedKey returns the public key as one authorized_keys line, without a newline:
// what a partner pastes to approve this key.
func (k *Key) AuthorizedKey() string { return AuthorizedKey(k.Signer.PublicKey(), k.Comment) }

// LoadOrCreateIdentity returns the user's identity (id_ed25519), creating it if missing
// with the comment user@hostname.
func (s *Store) LoadOrCreateIdentity() (*Key, error) {
	return s.loadOrCreate(IdentityFile, "identity", defaultComment())
}

// LoadIdentity returns the user's identity, or an error matching fs.ErrNotExist if there
// is none yet. Like the LoadOrCreate methods, it recreates a missing .pub file.
func (s *Store) LoadIdentity() (*Key, error) {
	return s.load(IdentityFile, "identity", defaultComment())
}

// LoadOrCreateHostKey returns the host key (host_ed25519), creating it if missing.
func (s *Store) LoadOrCreateHostKey() (*Key, error) {
	return s.loadOrCreate(HostKeyFile, "host key", HostKeyComment)
}

func (s *Store) loadOrCreate(name, what, comment string) (*Key, error) {
	k, err := s.load(name, what, comment)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	path := s.Path(name)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("create %s %q: %w", what, path, err)
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return nil, fmt.Errorf("create %s %q: %w", what, path, err)
	}
	// If another goroutine or process created the key first, we load theirs.
	err = createExclusive(path, pem.EncodeToMemory(block), 0o600)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("create %s %q: %w", what, path, err)
	}
	return s.load(name, what, comment)
}

// load reads the private key name and its .pub file, creating the .pub file (with comment)
// if only it is missing.
func (s *Store) load(name, what, comment string) (*Key, error) {
	path := s.Path(name)
	if err := checkPath(path, privateFile); err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	if err := checkPath(path+".pub", publicFile); err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	data, err := readKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s %q: %w", what, path, err)
	}
	signer, err := parsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("load %s %q: %w", what, path, err)
	}
	pubPath := path + ".pub"
	pub, err := loadOrCreatePub(pubPath, signer.PublicKey(), comment)
	if err != nil {
		return nil, fmt.Errorf("load %s %q: %w", what, pubPath, err)
	}
	return &Key{Signer: signer, Comment: pub, Path: path}, nil
}

func parsePrivateKey(data []byte) (ssh.Signer, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("file is empty")
	}
	signer, err := ssh.ParsePrivateKey(data)
	var pass *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &pass):
		return nil, fmt.Errorf("protected by a passphrase, which Duet does not support: %w", err)
	case err != nil:
		return nil, fmt.Errorf("not a private key: %w", err)
	}
	return signer, nil
}

// loadOrCreatePub returns the comment of the public key file path, which must hold want;
// if the file is missing it is created.
func loadOrCreatePub(path string, want ssh.PublicKey, comment string) (string, error) {
	data, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		err = createExclusive(path, []byte(AuthorizedKey(want, comment)+"\n"), 0o644)
		if err == nil {
			return comment, nil
		}
		if errors.Is(err, fs.ErrExist) { // created meanwhile by someone else
			data, err = readKeyFile(path)
		}
	}
	if err != nil {
		return "", err
	}
	got, comment, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return "", errNotPublicKey
	}
	if !bytes.Equal(got.Marshal(), want.Marshal()) {
		return "", errors.New("does not match the private key")
	}
	return comment, nil
}

// defaultComment returns user@hostname, as ssh-keygen writes it.
func defaultComment() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if i := strings.LastIndexByte(name, '\\'); i >= 0 { // Windows: DOMAIN\user
		name = name[i+1:]
	}
	host, _ := os.Hostname()
	c := cleanComment(name + "@" + host)
	if c == "@" {
		return "duet"
	}
	return c
}
