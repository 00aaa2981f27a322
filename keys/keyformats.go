package keys

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"path/filepath"

	"github.com/youmark/pkcs8"
	"golang.org/x/crypto/ssh"
)

// pemEncryptedPKCS8 is the PEM type of an encrypted PKCS#8 key (openssl genpkey with a
// cipher, ssh-keygen -m PKCS8 with a passphrase).
const pemEncryptedPKCS8 = "ENCRYPTED PRIVATE KEY"

// isEncryptedPKCS8 reports whether data holds an encrypted PKCS#8 key.
func isEncryptedPKCS8(data []byte) bool {
	block, _ := pem.Decode(data)
	return block != nil && block.Type == pemEncryptedPKCS8
}

// parseWithPassphrase parses a key file protected by pass: OpenSSH's own format, legacy
// encrypted PEM, or encrypted PKCS#8. A wrong passphrase is ErrPassphrase.
func parseWithPassphrase(data, pass []byte) (ssh.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != pemEncryptedPKCS8 {
		return ssh.ParsePrivateKeyWithPassphrase(data, pass)
	}
	key, err := pkcs8.ParsePKCS8PrivateKey(block.Bytes, pass)
	if err != nil {
		// The library does not tell a wrong passphrase from a damaged file: a wrong
		// passphrase makes the padding or the structure wrong.
		return nil, fmt.Errorf("%w (or the file is damaged)", ErrPassphrase)
	}
	return ssh.NewSignerFromKey(key)
}

// keyFormatError explains, in one line, a key file Duet cannot read itself, or nil:
// a PuTTY key (and the puttygen command that converts it) or a FIDO key without an
// agent.
func keyFormatError(path string, data []byte) error {
	if bytes.HasPrefix(data, []byte("PuTTY-User-Key-File-")) {
		out := path
		if ext := filepath.Ext(path); ext == ".ppk" {
			out = path[:len(path)-len(ext)]
		} else {
			out += "-openssh"
		}
		return fmt.Errorf("%s is a PuTTY key; convert it once with: puttygen %s -O private-openssh -o %s", path, path, out)
	}
	raw := data
	if block, _ := pem.Decode(data); block != nil {
		raw = block.Bytes // OpenSSH's format: the public key is in the clear inside
	}
	if bytes.Contains(raw, []byte("sk-ssh-ed25519@openssh.com")) || bytes.Contains(raw, []byte("sk-ecdsa-sha2-nistp256@openssh.com")) {
		return fmt.Errorf("%s is a FIDO security key (sk-), which only the ssh-agent can use: run ssh-add %s, then join again", path, path)
	}
	return nil
}
