package keys

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/duetpair/duet/internal/duettest"
)

// TestKnownHostsForget removes exactly the lines that name the host, as ssh-keygen -R
// does, and keeps the rest of the file as it was.
func TestKnownHostsForget(t *testing.T) {
	kh := newStore(t).KnownHosts()
	old, older, other, revoked := duettest.PublicKey(t), duettest.PublicKey(t), duettest.PublicKey(t), duettest.PublicKey(t)
	hashed := knownhosts.HashHostname("[h]:2222")
	keep := "# hand written\n" +
		"other.example " + AuthorizedKey(other, "") + "\n" +
		"@revoked [h]:2222 " + AuthorizedKey(revoked, "") + "\n"
	writeFile(t, kh.Path(), "# hand written\n"+
		"[h]:2222 "+AuthorizedKey(old, "")+"\n"+
		"other.example "+AuthorizedKey(other, "")+"\n"+
		hashed+" "+AuthorizedKey(older, "")+"\n"+
		"@revoked [h]:2222 "+AuthorizedKey(revoked, "")+"\n")
	n, err := kh.Forget("h:2222")
	if err != nil || n != 2 {
		t.Fatalf("Forget = %d, %v; want 2 lines removed", n, err)
	}
	if got := readFile(t, kh.Path()); got != keep {
		t.Errorf("file after Forget:\n%s\nwant:\n%s", got, keep)
	}
	if err := kh.Check("h:2222", nil, old); !errors.Is(err, ErrUnknownHost) {
		t.Errorf("Check after Forget = %v, want an unknown host", err)
	}
	if err := kh.Check("other.example:22", nil, other); err != nil {
		t.Errorf("another host was forgotten too: %v", err)
	}
	if n, err := kh.Forget("h:2222"); n != 0 || err != nil {
		t.Errorf("Forget again = %d, %v; want nothing to do", n, err)
	}
	if n, err := kh.Forget("never.example:22"); n != 0 || err != nil {
		t.Errorf("Forget of an unknown host = %d, %v", n, err)
	}
	if runtime.GOOS != "windows" {
		if m := mode(t, kh.Path()); m != 0o600 {
			t.Errorf("mode %o after Forget, want 600", m)
		}
	}
}

// TestKnownHostsForgetWildcard: a pattern that still names the host is reported, not
// passed over as forgotten.
func TestKnownHostsForgetWildcard(t *testing.T) {
	kh := newStore(t).KnownHosts()
	writeFile(t, kh.Path(), "*.example "+AuthorizedKey(duettest.PublicKey(t), "")+"\n")
	if _, err := kh.Forget("h.example:22"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("Forget under a wildcard = %v, want an error naming line 1", err)
	}
}

// TestKnownHostsReplace puts a confirmed new key in place of the old one.
func TestKnownHostsReplace(t *testing.T) {
	kh := newStore(t).KnownHosts()
	old, nu := duettest.PublicKey(t), duettest.PublicKey(t)
	if err := kh.Add("h:2222", old); err != nil {
		t.Fatal(err)
	}
	if err := kh.Check("h:2222", nil, nu); !errors.Is(err, ErrHostKeyChanged) {
		t.Fatalf("Check of the new key = %v, want changed", err)
	}
	if err := kh.Replace("h:2222", nu); err != nil {
		t.Fatal(err)
	}
	if err := kh.Check("h:2222", nil, nu); err != nil {
		t.Errorf("Check of the new key after Replace: %v", err)
	}
	if err := kh.Check("h:2222", nil, old); !errors.Is(err, ErrHostKeyChanged) {
		t.Errorf("Check of the old key after Replace = %v, want changed", err)
	}
	if err := kh.Replace("*.example:22", nu); !errors.Is(err, ErrInvalidHost) {
		t.Errorf("Replace of a pattern = %v, want ErrInvalidHost", err)
	}
}
