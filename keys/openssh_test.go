package keys

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

// Cross-checks with OpenSSH's own ssh-keygen: it reads our files as we read its.

func sshKeygen(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen not installed")
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestOpenSSHReadsOurKeys(t *testing.T) {
	for _, l := range loaders {
		t.Run(l.name, func(t *testing.T) {
			k, err := l.load(newStore(t))
			if err != nil {
				t.Fatal(err)
			}
			// ssh-keygen -l prints our fingerprint, for the private and the public file.
			for _, f := range []string{k.Path, k.Path + ".pub"} {
				out := sshKeygen(t, "-l", "-f", f)
				if want := "256 " + k.Fingerprint() + " "; !strings.HasPrefix(out, want) {
					t.Errorf("ssh-keygen -l -f %s = %q, want prefix %q", filepath.Base(f), out, want)
				}
			}
			// ssh-keygen -y derives the same public key from our private key file.
			out := sshKeygen(t, "-y", "-f", k.Path)
			if got, want := strings.Fields(out), strings.Fields(k.AuthorizedKey()); got[0] != want[0] || got[1] != want[1] {
				t.Errorf("ssh-keygen -y = %q, want %q", out, k.AuthorizedKey())
			}
		})
	}
}

func TestWeReadOpenSSHKeys(t *testing.T) {
	s := newStore(t)
	path := s.Path(HostKeyFile)
	sshKeygen(t, "-q", "-t", "ed25519", "-N", "", "-C", "made by ssh-keygen", "-f", path)
	before := readFile(t, path)
	k, err := s.LoadOrCreateHostKey()
	if err != nil {
		t.Fatal(err)
	}
	if k.Comment != "made by ssh-keygen" {
		t.Errorf("comment %q", k.Comment)
	}
	out := sshKeygen(t, "-l", "-f", path)
	if !strings.HasPrefix(out, "256 "+k.Fingerprint()+" ") {
		t.Errorf("ssh-keygen -l = %q, we say %s", out, k.Fingerprint())
	}
	if readFile(t, path) != before {
		t.Error("ssh-keygen's key was rewritten")
	}

	// A key with a passphrase is refused, with a clear error, and left alone.
	s = newStore(t)
	path = s.Path(IdentityFile)
	sshKeygen(t, "-q", "-t", "ed25519", "-N", "secret", "-f", path)
	before = readFile(t, path)
	_, err = s.LoadOrCreateIdentity()
	if err == nil || !strings.Contains(err.Error(), "passphrase") || strings.Contains(err.Error(), "secret") {
		t.Errorf("passphrase key: %v", err)
	}
	if readFile(t, path) != before {
		t.Error("passphrase key was rewritten")
	}
}

// TestOpenSSHReadsApprovedKeys: ssh-keygen reads approved_keys as an authorized_keys file
// (options and all) and finds the same fingerprints.
func TestOpenSSHReadsApprovedKeys(t *testing.T) {
	ap := newStore(t).Approved()
	alice, bob := duettest.PublicKey(t), duettest.PublicKey(t)
	if err := ap.Add(alice, RoleView, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := ap.Add(bob, RoleType, "bob"); err != nil {
		t.Fatal(err)
	}
	out := sshKeygen(t, "-l", "-f", ap.Path())
	for _, pub := range []string{Fingerprint(alice), Fingerprint(bob)} {
		if !strings.Contains(out, " "+pub+" ") {
			t.Errorf("ssh-keygen -l lacks %s:\n%s", pub, out)
		}
	}
}

// TestOpenSSHFindsKnownHosts: ssh-keygen -F finds the hosts we add, on any port.
func TestOpenSSHFindsKnownHosts(t *testing.T) {
	kh := newStore(t).KnownHosts()
	key := duettest.PublicKey(t)
	for _, addr := range []string{"example.com:2222", "192.0.2.7:22", "[::1]:2222"} {
		if err := kh.Add(addr, key); err != nil {
			t.Fatal(err)
		}
	}
	for _, host := range []string{"[example.com]:2222", "192.0.2.7", "[::1]:2222"} {
		out := sshKeygen(t, "-F", host, "-f", kh.Path())
		if !strings.Contains(out, strings.Fields(AuthorizedKey(key, ""))[1]) {
			t.Errorf("ssh-keygen -F %s:\n%s", host, out)
		}
	}
	// And we read a file ssh-keygen hashed.
	sshKeygen(t, "-H", "-f", kh.Path())
	os.Remove(kh.Path() + ".old")
	if err := kh.Check("example.com:2222", nil, key); err != nil {
		t.Errorf("Check on a hashed file: %v", err)
	}
}
