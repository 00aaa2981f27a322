package keys

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// ServerKeyFile names the file an OpenSSH server keeps its key of key's type in, as
// "/etc/ssh/ssh_host_ed25519_key.pub": where to check a server's fingerprint
// (ssh-keygen -lf FILE).
func ServerKeyFile(key ssh.PublicKey) string {
	kind := "rsa"
	switch t := key.Type(); {
	case t == ssh.KeyAlgoED25519:
		kind = "ed25519"
	case strings.HasPrefix(t, "ecdsa"):
		kind = "ecdsa"
	}
	return "/etc/ssh/ssh_host_" + kind + "_key.pub"
}

// Warning returns what to tell the user about the error, in a few lines: for a changed
// key, that the connection was refused, the offered and the stored fingerprints, and how
// to remove the stale entry if the change is expected; for an unknown host, its
// fingerprint.
func (e *HostKeyError) Warning() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("%s is not a known host; its key fingerprint is %s.", e.Host, Fingerprint(e.Key))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "WARNING: the host key of %s has changed, so Duet refused to connect.\n", e.Host)
	b.WriteString("Someone may be intercepting the connection, or the host made a new key.\n")
	fmt.Fprintf(&b, "  offered: %s (%s)\n", Fingerprint(e.Key), e.Key.Type())
	for _, k := range e.Known {
		fmt.Fprintf(&b, "  stored:  %s (%s), %s line %d\n", Fingerprint(k.Key), k.Key.Type(), k.Filename, k.Line)
	}
	file := e.Known[0].Filename
	fmt.Fprintf(&b, "Check the fingerprint with the host. If the change is expected, remove the stale entry with\n")
	fmt.Fprintf(&b, "  ssh-keygen -R '%s' -f '%s'\n", e.Host, file)
	lines := make([]string, len(e.Known))
	for i, k := range e.Known {
		lines[i] = fmt.Sprint(k.Line)
	}
	fmt.Fprintf(&b, "(or delete line %s of that file) and join again.", strings.Join(lines, " and "))
	return b.String()
}

// probeKey is a key no host has: checking it lists the keys on file for a host.
var probeKey = func() ssh.PublicKey {
	pub, err := ssh.NewPublicKey(ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)))
	if err != nil {
		panic(err)
	}
	return pub
}()

// HostKeyAlgorithms returns the host key algorithms to ask the host at addr for: those
// of the keys on file for it first, then every other supported one. Asking for the
// stored kind of key first keeps a host with several keys from offering another kind,
// which would look like a changed key. Nil means no key is on file (use the defaults).
func (k *KnownHosts) HostKeyAlgorithms(addr string) []string {
	var he *HostKeyError
	if err := k.Check(addr, nil, probeKey); !errors.As(err, &he) || len(he.Known) == 0 {
		return nil
	}
	var first []string
	for _, kk := range he.Known {
		for _, algo := range algorithmsForKey(kk.Key.Type()) {
			if !slices.Contains(first, algo) {
				first = append(first, algo)
			}
		}
	}
	rest := slices.DeleteFunc(ssh.SupportedAlgorithms().HostKeys, func(a string) bool {
		return slices.Contains(first, a)
	})
	return append(first, rest...)
}

// algorithmsForKey returns the host key algorithms that sign with a key of type typ.
func algorithmsForKey(typ string) []string {
	if typ == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{typ}
}
