// Package keys owns Duet's key material and the files that hold it, all in the config dir
// (see [Dir]):
//
//	id_ed25519, id_ed25519.pub     the user's identity, used to join (OpenSSH formats)
//	host_ed25519, host_ed25519.pub the host key of the embedded SSH server
//	approved_keys                  partners allowed to join, with their role
//	known_hosts                    hosts this user has joined (OpenSSH format)
//
// Keys are ed25519, created on first use and never overwritten: two processes creating
// the same key at once end up with the same one. Private key files are 0600 and every
// file is written atomically. Fingerprints are printed as OpenSSH prints them
// ("SHA256:...").
//
// # Approved keys
//
// approved_keys is in OpenSSH authorized_keys format and may be edited by hand; Duet
// re-reads it whenever it changes. A key's role is the option duet-role, written
// before the key:
//
//	duet-role=type ssh-ed25519 AAAA... alice@laptop    can type
//	duet-role=view ssh-ed25519 AAAA... bob@desktop     view only
//	ssh-ed25519 AAAA... carol@home                     the host's default role
//
// Any other option (from=, command=, restrict, ...) is not supported: such a line is
// reported as a problem and its key is not approved, so no restriction is ever ignored
// silently. Lines that are not keys are reported with their line number and skipped;
// comment lines, blank lines and lines Duet cannot read are kept when Duet rewrites the
// file.
//
// Files and dirs another user could change are refused, as sshd's StrictModes does
// (see [ErrUnsafeFile]).
//
// Package keys is a leaf: it imports only the standard library, golang.org/x/crypto/ssh
// (with its subpackages) and golang.org/x/sys (file locks), never Fyne or another
// package of Duet.
package keys
