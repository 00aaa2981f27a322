package keys

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

// seedLines are hand-edited key lines for the fuzz corpora.
func seedLines(tb testing.TB) []string {
	a, b := AuthorizedKey(duettest.SeededPublicKey(tb, 1), "alice@laptop"), AuthorizedKey(duettest.SeededPublicKey(tb, 2), "")
	return []string{
		"",
		a + "\n",
		"# comment\n\nduet-role=view " + a + "\r\n" + b,
		"\ufeffduet-role=\"type\" " + b + "\n",
		`from="10.0.0.1",duet-role=type ` + a + "\n",
		"duet-role=view,duet-role=type " + a,
		"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n" + a,
		"---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n",
		"ssh-ed25519 AAAA!!\n\"unterminated " + a,
		"ssh-rsa " + strings.Fields(a)[1],
	}
}

func FuzzParsePublicKeys(f *testing.F) {
	for _, s := range seedLines(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		keys, errs := ParsePublicKeys("in", []byte(text))
		n := strings.Count(strings.TrimSuffix(text, "\n"), "\n") + 1
		if len(keys) == 0 && len(errs) == 0 {
			t.Fatal("neither keys nor errors")
		}
		for _, k := range keys {
			if k.Line < 1 || k.Line > n || k.Key == nil || k.Role > RoleView {
				t.Fatalf("bad entry %+v (of %d lines)", k, n)
			}
			// The key's line, alone, reads as the same key.
			line := strings.Split(text, "\n")[k.Line-1]
			again, lerrs := ParsePublicKeys("line", []byte(line))
			if len(lerrs) != 0 || len(again) != 1 || !sameKey(again[0].Key, k.Key) || again[0].Role != k.Role {
				t.Fatalf("line %d read alone: %+v, %v", k.Line, again, lerrs)
			}
		}
		for _, err := range errs {
			var le *LineError
			if !errors.As(err, &le) || le.Line < 0 || le.Line > n || strings.Contains(err.Error(), "\n") {
				t.Fatalf("bad error %q", err)
			}
		}
	})
}

// FuzzApprovedFile: whatever a hand-edited approved_keys holds, Duet's rewrites keep every
// other line byte for byte, and Add and Remove do what they say.
func FuzzApprovedFile(f *testing.F) {
	for _, s := range seedLines(f) {
		f.Add(s, uint8(1), uint8(2))
	}
	f.Fuzz(func(t *testing.T, text string, keySeed, role uint8) {
		pub := duettest.SeededPublicKey(t, keySeed%4) // sometimes a key of the seeds
		r := Role(role % 3)
		file := parseApproved([]byte(text))
		if string(file.bytes()) != strings.TrimSuffix(text, "\n")+"\n" && text != "" {
			t.Fatalf("unchanged file rendered differently")
		}
		others := func(f *approvedFile) []string { // lines not of pub
			var out []string
			for _, l := range f.lines {
				if l.entry.Key == nil || !sameKey(l.entry.Key, pub) || l.err != nil {
					out = append(out, l.raw)
				}
			}
			return out
		}
		before := others(file)
		file.add(pub, r, "fuzz")
		added := parseApproved(file.bytes())
		if e, ok := added.lookup(pub); !ok || e.Role != r {
			t.Fatalf("after add: %+v %v, want role %v", e, ok, r)
		}
		if got := others(added); strings.Join(got, "\n") != strings.Join(before, "\n") {
			t.Fatalf("add changed other lines:\n%q\nwant\n%q", got, before)
		}
		if len(added.problems("x")) != len(file.problems("x")) {
			t.Fatal("add changed the problems")
		}
		if !added.remove(Fingerprint(pub)) {
			t.Fatal("remove found nothing after add")
		}
		removed := parseApproved(added.bytes())
		if _, ok := removed.lookup(pub); ok {
			t.Fatal("still approved after remove")
		}
		if got := others(removed); strings.Join(got, "\n") != strings.Join(before, "\n") {
			t.Fatalf("remove changed other lines")
		}
	})
}

// FuzzKnownHosts: a hand-edited known_hosts never makes Check panic or accept a key that
// is not on file, and Add always makes the key pass.
func FuzzKnownHosts(f *testing.F) {
	key := AuthorizedKey(duettest.SeededPublicKey(f, 1), "")
	for _, s := range []string{
		"", "h " + key, "[h]:2222 " + key + "\n", "*.example,!bad.example " + key,
		"@revoked * " + key, "@cert-authority *.example " + key,
		"|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= " + key,
		"# comment\n\nh " + key + "\nnonsense",
	} {
		f.Add(s, "h:2222", uint8(1))
	}
	f.Fuzz(func(t *testing.T, text, addr string, keySeed uint8) {
		path := filepath.Join(duettest.TempDir(t), KnownHostsFile)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		kh := NewKnownHosts(path)
		pub := duettest.SeededPublicKey(t, keySeed%3)
		remote := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 2222}
		err := kh.Check(addr, remote, pub)
		if err == nil && !strings.Contains(text, strings.Fields(AuthorizedKey(pub, ""))[1]) {
			t.Fatal("accepted a key that is not in the file")
		}
		var he *HostKeyError
		if errors.As(err, &he) && he.Error() == "" {
			t.Fatal("empty error")
		}
		if errors.Is(err, ErrUnknownHost) {
			err := kh.Add(addr, pub)
			if errors.Is(err, ErrInvalidHost) {
				return
			}
			if err != nil {
				t.Fatalf("Add of an unknown host: %v", err)
			}
			if err := kh.Check(addr, remote, pub); err != nil {
				t.Fatalf("Check after Add: %v", err)
			}
		}
	})
}
