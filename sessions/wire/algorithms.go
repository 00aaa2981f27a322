package wire

import (
	"slices"

	"golang.org/x/crypto/ssh"
)

// The SSH algorithms both ends of Duet speak: OpenSSH 9's defaults, without anything
// that rests on SHA-1 (the ssh-rsa signature, SHA-1 key exchanges and MACs) or DSA,
// with the post-quantum hybrid key exchange first. golang.org/x/crypto has
// mlkem768x25519-sha256 (OpenSSH 9.9's default) but not sntrup761x25519-sha512, so a
// partner's OpenSSH before 9.9 gets curve25519-sha256.
var (
	keyExchanges = []string{
		ssh.KeyExchangeMLKEM768X25519,
		ssh.KeyExchangeCurve25519,
		ssh.KeyExchangeECDHP256,
		ssh.KeyExchangeECDHP384,
		ssh.KeyExchangeECDHP521,
		ssh.KeyExchangeDHGEXSHA256,
		ssh.KeyExchangeDH16SHA512,
		ssh.KeyExchangeDH14SHA256,
	}
	// ciphers are OpenSSH's, AES-GCM first: with AES instructions it is the fastest.
	ciphers = []string{
		ssh.CipherAES128GCM,
		ssh.CipherAES256GCM,
		ssh.CipherChaCha20Poly1305,
		ssh.CipherAES128CTR,
		ssh.CipherAES192CTR,
		ssh.CipherAES256CTR,
	}
	macs = []string{
		ssh.HMACSHA256ETM,
		ssh.HMACSHA512ETM,
		ssh.HMACSHA256,
		ssh.HMACSHA512,
	}
	// publicKeyAlgorithms are the signatures accepted from a key, a partner's or a
	// host's: no ssh-rsa (RSA with SHA-1) and no ssh-dss.
	publicKeyAlgorithms = []string{
		ssh.KeyAlgoED25519,
		ssh.KeyAlgoSKED25519,
		ssh.KeyAlgoECDSA256,
		ssh.KeyAlgoSKECDSA256,
		ssh.KeyAlgoECDSA384,
		ssh.KeyAlgoECDSA521,
		ssh.KeyAlgoRSASHA512,
		ssh.KeyAlgoRSASHA256,
	}
)

// SSHConfig returns the key exchanges, ciphers and MACs of a Duet host or client.
func SSHConfig() ssh.Config {
	return ssh.Config{
		KeyExchanges: slices.Clone(keyExchanges),
		Ciphers:      slices.Clone(ciphers),
		MACs:         slices.Clone(macs),
	}
}

// PublicKeyAlgorithms returns the signature algorithms accepted from partners' keys and
// from host keys, in order of preference.
func PublicKeyAlgorithms() []string {
	return slices.Clone(publicKeyAlgorithms)
}

// KeyTypeAllowed reports whether keys of type (ssh.PublicKey.Type) may be used at all:
// everything but DSA. An RSA key is allowed, with SHA-2 signatures only.
func KeyTypeAllowed(keyType string) bool {
	return keyType != "ssh-dss" && keyType != "ssh-dss-cert-v01@openssh.com"
}
