package keys

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"golang.org/x/crypto/ssh"
)

// Forget removes the keys on file for the host at addr ("host:port"; port 22 if
// missing), as `ssh-keygen -R` does: every line of known_hosts that names the host (a
// line naming several hosts goes whole; one whose pattern names it, such as
// "*.example.com", stays and is reported in the error). It returns how many lines it removed; none is
// not an error. @revoked lines stay: a revoked key is never forgotten by accident.
func (k *KnownHosts) Forget(addr string) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.forget(addr)
}

// Replace makes key the only key on file for the host at addr: the old entries are
// forgotten and key saved. It is for a key the user confirmed (an
// invite that pins the host's new key).
func (k *KnownHosts) Replace(addr string, key ssh.PublicKey) error {
	if err := validHost(addr); err != nil {
		return fmt.Errorf("replace known host: %w", err)
	}
	k.mu.Lock()
	_, err := k.forget(addr)
	k.mu.Unlock()
	if err != nil {
		return err
	}
	return k.Add(addr, key)
}

// forget is Forget with k.mu held.
func (k *KnownHosts) forget(addr string) (int, error) {
	var he *HostKeyError
	err := k.Check(addr, nil, probeKey)
	if !errors.As(err, &he) {
		if err != nil {
			return 0, fmt.Errorf("forget known host: %w", err)
		}
		return 0, nil // the probe key is on file: not possible
	}
	drop := map[int]bool{}
	for _, kk := range he.Known {
		if kk.Filename == k.path {
			drop[kk.Line] = true
		}
	}
	if len(drop) == 0 {
		return 0, nil
	}
	data, err := os.ReadFile(k.path)
	if err != nil {
		return 0, fmt.Errorf("forget known host: %w", err)
	}
	var out bytes.Buffer
	line := 0
	for len(data) > 0 {
		line++
		i := bytes.IndexByte(data, '\n')
		next := data[:i+1]
		if i < 0 {
			next = data
		}
		data = data[len(next):]
		if drop[line] && isPattern(next) {
			delete(drop, line) // it names other hosts too: for the user to edit
		}
		if !drop[line] {
			out.Write(next)
		}
	}
	if err := writeAtomic(k.path, out.Bytes(), 0o600); err != nil {
		return 0, fmt.Errorf("forget known host: %w", err)
	}
	// A wildcard pattern (or a line in another form) may still name the host: say so
	// rather than report a host forgotten that is not.
	if err := k.Check(addr, nil, probeKey); errors.As(err, &he) && len(he.Known) > 0 {
		return len(drop), fmt.Errorf("forget known host: %s line %d still names %s", he.Known[0].Filename, he.Known[0].Line, he.Host)
	}
	return len(drop), nil
}

// isPattern reports whether a known_hosts line names its hosts with a pattern (*, ? or
// a negation) rather than by name.
func isPattern(line []byte) bool {
	f := bytes.Fields(line)
	if len(f) > 0 && f[0][0] == '@' {
		f = f[1:]
	}
	return len(f) > 0 && bytes.ContainsAny(f[0], "*?!")
}
