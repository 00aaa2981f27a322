package record

import (
	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
)

func keysFP(s ssh.Signer) string { return keys.Fingerprint(s.PublicKey()) }
