package keys

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Sentinels matched by a *HostKeyError with errors.Is.
var (
	ErrUnknownHost    = errors.New("unknown host")
	ErrHostKeyChanged = errors.New("host key changed")
)

// HostKeyError is returned when a host's key is not in known_hosts: either the host is
// unknown (Known is empty) or its key changed (Known holds the keys on file, which could
// mean an attack).
type HostKeyError struct {
	Host  string // as written in known_hosts: "host" or "[host]:port"
	Key   ssh.PublicKey
	Known []knownhosts.KnownKey
}

func (e *HostKeyError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("unknown host %s (key %s)", e.Host, Fingerprint(e.Key))
	}
	known := make([]string, len(e.Known))
	for i, k := range e.Known {
		known[i] = fmt.Sprintf("%s (%s:%d)", Fingerprint(k.Key), k.Filename, k.Line)
	}
	return fmt.Sprintf("host key for %s changed: offered %s, known %s",
		e.Host, Fingerprint(e.Key), strings.Join(known, ", "))
}

// Is makes errors.Is(err, ErrUnknownHost) and errors.Is(err, ErrHostKeyChanged) work.
func (e *HostKeyError) Is(target error) bool {
	return target == ErrUnknownHost && len(e.Known) == 0 ||
		target == ErrHostKeyChanged && len(e.Known) > 0
}

// KnownFingerprints returns the fingerprints of the keys on file for the host.
func (e *HostKeyError) KnownFingerprints() []string {
	fps := make([]string, len(e.Known))
	for i, k := range e.Known {
		fps[i] = Fingerprint(k.Key)
	}
	return fps
}

// ConfirmHostFunc is asked whether to trust an unknown host's key; host is as in
// [HostKeyError]. A nil error trusts the key and saves it; an error refuses the host.
type ConfirmHostFunc func(host string, key ssh.PublicKey) error

// KnownHosts is the known_hosts file (OpenSSH format) of hosts this user has joined.
// It is read again on every check, so changes by hand or another process apply at once.
// Safe for concurrent use.
type KnownHosts struct {
	path string
	mu   sync.Mutex // serialises Add
}

// NewKnownHosts returns the known hosts kept in the file path, which need not exist.
// Prefer [Store.KnownHosts].
func NewKnownHosts(path string) *KnownHosts { return &KnownHosts{path: path} }

// Path returns the path of the known_hosts file.
func (k *KnownHosts) Path() string { return k.path }

// Check checks the key offered by the host at addr ("host:port"; port 22 if missing),
// connected at remote (may be nil). It returns nil if the key is on file for the host,
// a *HostKeyError if the host is unknown or its key changed, or another error (such as a
// line of the file that cannot be read, or a key marked @revoked).
func (k *KnownHosts) Check(addr string, remote net.Addr, key ssh.PublicKey) error {
	addr = withPort(addr)
	if remote == nil {
		remote = textAddr(addr)
	}
	host := knownhosts.Normalize(addr)
	if err := checkPath(k.path, publicFile); err != nil {
		// A file someone else could write could vouch for anyone's key.
		return fmt.Errorf("read known hosts: %w", err)
	}
	cb, err := knownhosts.New(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return &HostKeyError{Host: host, Key: key}
	}
	if err != nil {
		return fmt.Errorf("read known hosts: %w", err)
	}
	err = cb(addr, remote, key)
	var ke *knownhosts.KeyError
	if errors.As(err, &ke) {
		return &HostKeyError{Host: host, Key: key, Known: ke.Want}
	}
	if err != nil {
		return fmt.Errorf("check host key of %s: %w", host, err)
	}
	return nil
}

// Add saves key as the key of the host at addr. It does nothing if the key is on file
// already, and refuses (with a *HostKeyError) to add a second key for a host whose key
// changed: that is for the user to fix in the file.
func (k *KnownHosts) Add(addr string, key ssh.PublicKey) error {
	if err := validHost(addr); err != nil {
		return fmt.Errorf("add known host: %w", err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	err := k.Check(addr, nil, key)
	if err == nil || !errors.Is(err, ErrUnknownHost) {
		return err
	}
	data, err := os.ReadFile(k.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("add known host: %w", err)
	}
	text := knownhosts.Line([]string{withPort(addr)}, key) + "\n"
	if len(data) > 0 && data[len(data)-1] != '\n' {
		text = "\n" + text
	}
	f, err := os.OpenFile(k.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("add known host: %w", err)
	}
	_, err = f.WriteString(text)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("add known host: %w", err)
	}
	return nil
}

// HostKeyCallback returns a callback for ssh.ClientConfig.HostKeyCallback. A known key
// passes; a changed key is refused with a *HostKeyError; for an unknown host, confirm is
// asked (if nil, the host is refused) and the key is saved if it agrees.
func (k *KnownHosts) HostKeyCallback(confirm ConfirmHostFunc) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := k.Check(hostname, remote, key)
		if confirm == nil || !errors.Is(err, ErrUnknownHost) {
			return err
		}
		if err := validHost(hostname); err != nil {
			return err
		}
		if err := confirm(knownhosts.Normalize(withPort(hostname)), key); err != nil {
			return err
		}
		return k.Add(hostname, key)
	}
}

// ErrInvalidHost is returned by [KnownHosts.Add] for a host name that cannot be saved
// as it is, such as one with a wildcard in it.
var ErrInvalidHost = errors.New("invalid host name")

// validHost checks that the host of addr is an IP address or a plain host name, which
// known_hosts would not read as a pattern, a marker or a comment, and its port a number.
func validHost(addr string) error {
	bad := fmt.Errorf("%w %q", ErrInvalidHost, truncate(addr, 60))
	host, port, err := net.SplitHostPort(withPort(addr))
	if n, perr := strconv.ParseUint(port, 10, 16); err != nil || perr != nil || n == 0 {
		return bad
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	if host == "" || host[0] == '-' || host[0] == '.' {
		return bad
	}
	for _, r := range host {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '.' || r == '-' || r == '_') {
			return bad
		}
	}
	return nil
}

// withPort adds the SSH port to addr if it has none.
func withPort(addr string) string {
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return addr
	}
	return net.JoinHostPort(strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"), "22")
}

// textAddr is a net.Addr known only by its text.
type textAddr string

func (a textAddr) Network() string { return "tcp" }
func (a textAddr) String() string  { return string(a) }
