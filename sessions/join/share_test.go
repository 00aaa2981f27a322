package join

import (
	"slices"
	"strings"
	"testing"
)

func TestShare(t *testing.T) {
	fp := "SHA256:" + strings.Repeat("A", 43)
	info := Share("127.0.0.1:2223", "pair", fp)
	if want := []string{"ssh -p 2223 pair@127.0.0.1"}; !slices.Equal(info.SSHLines, want) {
		t.Errorf("ssh lines %q, want %q", info.SSHLines, want)
	}
	if want := []string{"duet://pair@127.0.0.1:2223/#" + fp}; !slices.Equal(info.Invites, want) {
		t.Errorf("invites %q, want %q", info.Invites, want)
	}
	for _, inv := range info.Invites {
		a, err := ParseAddress(inv)
		if err != nil || a.HostKey != fp || a.User != "pair" || a.Port != 2223 {
			t.Errorf("invite %q reads back as %+v, %v", inv, a, err)
		}
	}
	if all := Share("0.0.0.0:2222", "main", fp); len(all.SSHLines) == 0 || len(all.SSHLines) != len(all.Invites) {
		t.Errorf("all interfaces: %d ssh lines, %d invites", len(all.SSHLines), len(all.Invites))
	}
}
