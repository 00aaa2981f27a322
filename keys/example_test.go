package keys_test

import (
	"errors"
	"fmt"
	"log"
	"os"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
)

// A host creates its keys on first run, approves a partner's pasted key and later looks
// up the key a partner connects with.
func Example() {
	dir, err := os.MkdirTemp("", "duet-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := keys.Open(dir) // normally keys.Open(flagConfigDir)
	if err != nil {
		log.Fatal(err)
	}
	hostKey, err := store.LoadOrCreateHostKey() // for ssh.ServerConfig.AddHostKey(hostKey.Signer)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("host key is ed25519:", hostKey.PublicKey().Type() == "ssh-ed25519")

	// The partner runs `duet keygen` and sends the line it prints.
	partnerStore, err := keys.Open(dir + "/partner")
	if err != nil {
		log.Fatal(err)
	}
	partner, err := partnerStore.LoadOrCreateIdentity()
	if err != nil {
		log.Fatal(err)
	}
	pasted := partner.AuthorizedKey()

	// `duet approve --read-only -`
	entries, problems := keys.ParsePublicKeys("-", []byte(pasted))
	for _, p := range problems {
		fmt.Println(p)
	}
	approved := store.Approved()
	for _, e := range entries {
		if err := approved.Add(e.Key, keys.RoleView, e.Comment); err != nil {
			log.Fatal(err)
		}
	}

	// The partner connects; after the handshake the host looks up the proven key.
	role, _, ok := approved.Lookup(partner.PublicKey())
	fmt.Println("approved:", ok, "role:", role)

	// Revoked: the next lookup denies it.
	if _, err := approved.Remove(partner.Fingerprint()); err != nil {
		log.Fatal(err)
	}
	_, _, ok = approved.Lookup(partner.PublicKey())
	fmt.Println("approved after revoke:", ok)
	// Output:
	// host key is ed25519: true
	// approved: true role: view
	// approved after revoke: false
}

// Joining: check the host's key against known_hosts, asking the user about an unknown
// host (here: trusting it if it matches the fingerprint of an invite).
func ExampleKnownHosts_HostKeyCallback() {
	store, err := keys.Open("")
	if err != nil {
		log.Fatal(err)
	}
	identity, err := store.LoadOrCreateIdentity()
	if err != nil {
		log.Fatal(err)
	}
	pinned := "SHA256:..." // from duet://main@host:2222/#SHA256:...
	confirm := func(host string, key ssh.PublicKey) error {
		if keys.Fingerprint(key) != pinned {
			return fmt.Errorf("host %s offered key %s, not the invite's", host, keys.Fingerprint(key))
		}
		return nil // trusted: saved in known_hosts
	}
	cfg := &ssh.ClientConfig{
		User:            "main",
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(identity.Signer)},
		HostKeyCallback: store.KnownHosts().HostKeyCallback(confirm),
	}
	client, err := ssh.Dial("tcp", "host.example:2222", cfg)
	var hke *keys.HostKeyError
	if errors.As(err, &hke) && errors.Is(err, keys.ErrHostKeyChanged) {
		fmt.Println("WARNING: the host key changed; known:", hke.KnownFingerprints())
	}
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
}
