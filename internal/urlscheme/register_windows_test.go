package urlscheme

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// testPath returns a key of the current user's registry no one else uses, removed with
// everything under it when the test ends.
func testPath(t *testing.T) string {
	var b [6]byte
	rand.Read(b[:])
	base := `Software\DuetTest-` + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		for _, sub := range []string{`\duet\shell\open\command`, `\duet\shell\open`, `\duet\shell`, `\duet\DefaultIcon`, `\duet`, ``} {
			_ = registry.DeleteKey(registry.CURRENT_USER, base+sub)
		}
	})
	return base + `\duet`
}

// TestRegister: the scheme's key is written as the Windows shell wants a URL protocol
// (a name, the empty "URL Protocol" value, the command with the link as "%1"), a
// second call with the same program changes nothing, and a moved program is followed.
func TestRegister(t *testing.T) {
	path := testPath(t)
	exe := `C:\Program Files\Duet\duet.exe`
	if got, err := registered(registry.CURRENT_USER, path); err != nil || got != "" {
		t.Fatalf("before registering: %q, %v; want nothing", got, err)
	}
	changed, err := register(registry.CURRENT_USER, path, exe)
	if err != nil || !changed {
		t.Fatalf("register = %v, %v; want a change", changed, err)
	}
	got, err := registered(registry.CURRENT_USER, path)
	if want := `"C:\Program Files\Duet\duet.exe" "%1"`; err != nil || got != want {
		t.Fatalf("the command is %q (%v), want %q", got, err, want)
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	name, _, err := k.GetStringValue("")
	marker, _, merr := k.GetStringValue("URL Protocol")
	k.Close()
	if err != nil || name != "URL:Duet invite" || merr != nil || marker != "" {
		t.Errorf("scheme key: name %q (%v), URL Protocol %q (%v)", name, err, marker, merr)
	}

	if changed, err := register(registry.CURRENT_USER, path, exe); err != nil || changed {
		t.Errorf("registering again = %v, %v; want no change", changed, err)
	}
	moved := `D:\Tools\duet.exe`
	if changed, err := register(registry.CURRENT_USER, path, moved); err != nil || !changed {
		t.Errorf("registering a moved program = %v, %v; want a change", changed, err)
	}
	if got, _ := registered(registry.CURRENT_USER, path); got != Command(moved) {
		t.Errorf("after the move the command is %q, want %q", got, Command(moved))
	}
}
