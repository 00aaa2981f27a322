package keys

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
)

func TestApprovedAddLookupRemove(t *testing.T) {
	s := newStore(t)
	ap := s.Approved()
	alice, bob, carol := duettest.PublicKey(t), duettest.PublicKey(t), duettest.PublicKey(t)

	if _, _, ok := ap.Lookup(alice); ok {
		t.Fatal("approved before any file exists")
	}
	steps := []struct {
		name string
		do   func() error
		want []lookup
	}{
		{"add alice", func() error { return ap.Add(alice, RoleType, "alice@laptop") },
			[]lookup{{alice, RoleType, "alice@laptop", true}, {key: bob}}},
		{"add bob view", func() error { return ap.Add(bob, RoleView, "bob") },
			[]lookup{{alice, RoleType, "alice@laptop", true}, {bob, RoleView, "bob", true}}},
		{"alice to view, comment kept", func() error { return ap.Add(alice, RoleView, "") },
			[]lookup{{alice, RoleView, "alice@laptop", true}}},
		{"carol default role", func() error { return ap.Add(carol, RoleDefault, "carol") },
			[]lookup{{carol, RoleDefault, "carol", true}}},
		{"remove bob", func() error { return remove(ap, Fingerprint(bob), true) },
			[]lookup{{key: bob}, {alice, RoleView, "alice@laptop", true}}},
		{"remove bob again", func() error { return remove(ap, Fingerprint(bob), false) }, nil},
		{"remove without prefix", func() error { return remove(ap, strings.TrimPrefix(Fingerprint(carol), "SHA256:"), true) },
			[]lookup{{key: carol}}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		for _, want := range st.want {
			role, comment, ok := ap.Lookup(want.key)
			if ok != want.ok || role != want.role || comment != want.comment {
				t.Errorf("%s: Lookup = %v %q %v, want %v %q %v", st.name, role, comment, ok, want.role, want.comment, want.ok)
			}
		}
	}
	list, err := ap.List()
	if err != nil || len(list) != 1 || !sameKey(list[0].Key, alice) {
		t.Errorf("List = %v, %v; want alice only", list, err)
	}
	text := readFile(t, ap.Path())
	if !strings.HasPrefix(text, approvedHeader) {
		t.Errorf("new file lacks the header:\n%s", text)
	}
	if want := "duet-role=view " + AuthorizedKey(alice, "alice@laptop") + "\n"; !strings.HasSuffix(text, want) {
		t.Errorf("file ends %q, want %q", text, want)
	}
	if runtime.GOOS != "windows" && mode(t, ap.Path()) != 0o600 {
		t.Errorf("mode %o, want 600", mode(t, ap.Path()))
	}
	if p := ap.Problems(); len(p) != 0 {
		t.Errorf("problems in a file Duet wrote: %v", p)
	}
}

// lookup is the expected result of Approved.Lookup(key).
type lookup struct {
	key     ssh.PublicKey
	role    Role
	comment string
	ok      bool
}

func remove(ap *Approved, fp string, want bool) error {
	got, err := ap.Remove(fp)
	if err == nil && got != want {
		err = fmt.Errorf("Remove = %v, want %v", got, want)
	}
	return err
}

// TestApprovedHandEdits: lines written by hand survive Duet's rewrites, and edits by
// hand or by another process apply to the next Lookup.
func TestApprovedHandEdits(t *testing.T) {
	s := newStore(t)
	ap := s.Approved()
	alice, bob, carol := duettest.PublicKey(t), duettest.PublicKey(t), duettest.PublicKey(t)
	hand := "# my partners\n" +
		"duet-role=view " + AuthorizedKey(alice, "alice") + "\n" +
		"\n" +
		"garbage that is no key\n" +
		`no-pty ` + AuthorizedKey(carol, "carol") + "\n" +
		AuthorizedKey(bob, "bob") // no final newline
	writeFile(t, ap.Path(), hand)

	if role, _, ok := ap.Lookup(alice); !ok || role != RoleView {
		t.Errorf("alice: %v %v, want view", role, ok)
	}
	if _, _, ok := ap.Lookup(carol); ok {
		t.Error("carol approved despite an unsupported option")
	}
	wantProblems := []string{
		ap.Path() + ":4: not a public key",
		ap.Path() + `:5: unsupported option "no-pty"`,
	}
	checkProblems(t, ap, wantProblems)

	// Duet's rewrite keeps every other line as it was.
	if err := ap.Add(carol, RoleType, "carol"); err != nil {
		t.Fatal(err)
	}
	want := hand + "\nduet-role=type " + AuthorizedKey(carol, "carol") + "\n"
	if got := readFile(t, ap.Path()); got != want {
		t.Errorf("after Add:\n%s\nwant:\n%s", got, want)
	}
	if ok, err := ap.Remove(Fingerprint(alice)); !ok || err != nil {
		t.Fatalf("Remove alice = %v, %v", ok, err)
	}
	want = strings.Replace(want, "duet-role=view "+AuthorizedKey(alice, "alice")+"\n", "", 1)
	if got := readFile(t, ap.Path()); got != want {
		t.Errorf("after Remove:\n%s\nwant:\n%s", got, want)
	}
	checkProblems(t, ap, []string{ap.Path() + ":3: not a public key", ap.Path() + `:4: unsupported option "no-pty"`})

	// Revoked by hand: the next Lookup sees it at once.
	writeFile(t, ap.Path(), strings.Replace(readFile(t, ap.Path()), AuthorizedKey(bob, "bob"), "# bob revoked", 1))
	if _, _, ok := ap.Lookup(bob); ok {
		t.Error("bob still approved after a hand edit")
	}
	// Revoked by another process (its own Approved value).
	if ok, err := NewApproved(ap.Path()).Remove(Fingerprint(carol)); !ok || err != nil {
		t.Fatalf("other Remove = %v, %v", ok, err)
	}
	if _, _, ok := ap.Lookup(carol); ok {
		t.Error("carol still approved after another process revoked her")
	}
	// The file removed: nobody is approved.
	if err := ap.Add(bob, RoleType, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(ap.Path()); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := ap.Lookup(bob); ok {
		t.Error("bob approved after the file was removed")
	}
}

func checkProblems(t *testing.T, ap *Approved, want []string) {
	t.Helper()
	got := ap.Problems()
	if len(got) != len(want) {
		t.Fatalf("problems %v, want %v", got, want)
	}
	for i, err := range got {
		var le *LineError
		if !errors.As(err, &le) || !strings.HasPrefix(err.Error(), want[i]) {
			t.Errorf("problem %q, want a *LineError starting %q", err, want[i])
		}
	}
}

func TestApprovedDuplicates(t *testing.T) {
	ap := newStore(t).Approved()
	alice := duettest.PublicKey(t)
	writeFile(t, ap.Path(), "duet-role=view "+AuthorizedKey(alice, "one")+"\n# keep\nduet-role=type "+AuthorizedKey(alice, "two")+"\n")
	if role, comment, ok := ap.Lookup(alice); !ok || role != RoleView || comment != "one" {
		t.Errorf("Lookup = %v %q %v, want the first line", role, comment, ok)
	}
	if err := ap.Add(alice, RoleType, ""); err != nil {
		t.Fatal(err)
	}
	want := "duet-role=type " + AuthorizedKey(alice, "one") + "\n# keep\n"
	if got := readFile(t, ap.Path()); got != want {
		t.Errorf("file %q, want %q", got, want)
	}
	writeFile(t, ap.Path(), want+AuthorizedKey(alice, "again")+"\n")
	if ok, err := ap.Remove(Fingerprint(alice)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if got := readFile(t, ap.Path()); got != "# keep\n" {
		t.Errorf("file %q, want every line of the key removed", got)
	}
}

func TestApprovedCRLF(t *testing.T) {
	ap := newStore(t).Approved()
	alice, bob := duettest.PublicKey(t), duettest.PublicKey(t)
	writeFile(t, ap.Path(), "# windows\r\n"+AuthorizedKey(alice, "a")+"\r\n")
	if err := ap.Add(bob, RoleView, "b"); err != nil {
		t.Fatal(err)
	}
	want := "# windows\r\n" + AuthorizedKey(alice, "a") + "\r\nduet-role=view " + AuthorizedKey(bob, "b") + "\r\n"
	if got := readFile(t, ap.Path()); got != want {
		t.Errorf("file %q, want %q", got, want)
	}
}

func TestApprovedUnreadable(t *testing.T) {
	ap := newStore(t).Approved()
	alice := duettest.PublicKey(t)
	if err := ap.Add(alice, RoleType, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(ap.Path()); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(ap.Path(), 0o700); err != nil { // a file we cannot read
		t.Fatal(err)
	}
	if _, _, ok := ap.Lookup(alice); ok {
		t.Error("approved from an unreadable file")
	}
	if p := ap.Problems(); len(p) != 1 || !strings.HasPrefix(p[0].Error(), "read approved keys: ") {
		t.Errorf("problems %v", p)
	}
	if _, err := ap.List(); err == nil {
		t.Error("List: no error")
	}
	if err := ap.Add(alice, RoleType, ""); err == nil {
		t.Error("Add: no error")
	}
}

func TestApprovedInvalidRole(t *testing.T) {
	ap := newStore(t).Approved()
	if err := ap.Add(duettest.PublicKey(t), Role(7), ""); err == nil {
		t.Error("no error")
	}
}

// TestApprovedConcurrent: goroutines adding, looking up and removing keys at once lose
// no change.
func TestApprovedConcurrent(t *testing.T) {
	ap := newStore(t).Approved()
	const n = 8
	pubs := make([]ssh.PublicKey, n)
	for i := range pubs {
		pubs[i] = duettest.PublicKey(t)
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := ap.Add(pubs[i], RoleView, fmt.Sprint(i)); err != nil {
				t.Error(err)
			}
			ap.Lookup(pubs[(i+1)%n])
			if i%2 == 0 {
				if _, err := ap.Remove(Fingerprint(pubs[i])); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for i, pub := range pubs {
		if _, _, ok := ap.Lookup(pub); ok != (i%2 == 1) {
			t.Errorf("key %d approved = %v", i, ok)
		}
	}
}

// TestApprovedSameSizeEdit: an edit in place that keeps the file's size (and, on a coarse
// file system, its modification time) still applies to the next Lookup.
func TestApprovedSameSizeEdit(t *testing.T) {
	ap := newStore(t).Approved()
	alice := duettest.PublicKey(t)
	view := "duet-role=view " + AuthorizedKey(alice, "a") + "\n"
	writeFile(t, ap.Path(), view)
	fi, err := os.Stat(ap.Path())
	if err != nil {
		t.Fatal(err)
	}
	if role, _, _ := ap.Lookup(alice); role != RoleView {
		t.Fatalf("role %v, want view", role)
	}
	writeFile(t, ap.Path(), strings.Replace(view, "view", "type", 1))
	if err := os.Chtimes(ap.Path(), fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if role, _, _ := ap.Lookup(alice); role != RoleType {
		t.Errorf("role %v after the edit, want type", role)
	}
}
