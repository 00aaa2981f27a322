//go:build !windows

package host

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// TestPartnerNames: a Duet partner's display name reaches the question about its key
// cleaned, "Always allow" saves the name the host gave (or the partner's), a pre-approved
// key is called by its comment whatever the partner claims, and `ls --json` lists each
// session's partners with name, fingerprint and role.
func TestPartnerNames(t *testing.T) {
	for _, tc := range []struct {
		name    string
		claim   string // what the partner sends
		given   string // the name the host gives in its decision
		comment string // the approved key's comment, if pre-approved
		role    keys.Role
		want    string // what the host calls the partner
		wantAsk string // the name in the question ("-": not asked)
	}{
		{name: "duet partner", claim: "Alice", want: "Alice", wantAsk: "Alice", role: keys.RoleType},
		{name: "hostile name", claim: "Mallory\x1b]0;pwned\x07\u202e", want: `Mallory\033]0;pwned\007\342\200\256`, wantAsk: `Mallory\033]0;pwned\007\342\200\256`, role: keys.RoleView},
		{name: "openssh named by the host", given: "Bob", want: "Bob", wantAsk: "", role: keys.RoleType},
		{name: "host renames", claim: "Alice", given: "Alice (laptop)", want: "Alice (laptop)", wantAsk: "Alice", role: keys.RoleType},
		{name: "approved comment wins", claim: "Not Carol", comment: "Carol", want: "Carol", wantAsk: "-", role: keys.RoleView},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &approver{answer: Decision{Answer: AllowAlways, Role: tc.role, Name: tc.given}}
			h, addr := hostWithShell(t, &Server{Approve: a.approve})
			key := duettest.Signer(t)
			if tc.comment != "" {
				if err := h.Approved.Add(key.PublicKey(), tc.role, tc.comment); err != nil {
					t.Fatal(err)
				}
			}
			joinNamed(t, addr, "main", key, tc.claim, "", true)
			duettest.Poll(t, "the partner to attach", func() bool { return len(h.Partners()) == 1 })
			if p := h.Partners()[0]; p.Name != tc.want {
				t.Errorf("Partners() name %q, want %q", p.Name, tc.want)
			}
			switch {
			case tc.wantAsk == "-" && a.calls() != 0:
				t.Errorf("a pre-approved key was asked about")
			case tc.wantAsk != "-" && (a.calls() != 1 || a.asked[0].Name != tc.wantAsk):
				t.Errorf("asked %+v, want one question naming %q", a.asked, tc.wantAsk)
			}
			if _, comment, ok := h.Approved.Lookup(key.PublicKey()); !ok || comment != tc.want {
				t.Errorf("approved key's comment %q (saved %v), want %q", comment, ok, tc.want)
			}

			lister := join(t, addr, "main", key, "ls --json", false)
			if status := lister.wait(t); status != 0 {
				t.Fatalf("ls --json: status %d", status)
			}
			out := lister.out.String()
			out = out[strings.IndexByte(out, '[') : strings.LastIndexByte(out, ']')+1]
			var list []struct {
				Name     string `json:"name"`
				Partners []struct {
					Name, Fingerprint, Role string
				} `json:"partners"`
			}
			if err := json.Unmarshal([]byte(out), &list); err != nil {
				t.Fatalf("ls --json: %v in %q", err, out)
			}
			wantRole := "type"
			if tc.role == keys.RoleView {
				wantRole = "view"
			}
			if len(list) != 1 || len(list[0].Partners) != 1 {
				t.Fatalf("ls --json = %+v, want main with its one partner", list)
			}
			if p := list[0].Partners[0]; p.Name != tc.want || p.Fingerprint != keys.Fingerprint(key.PublicKey()) || p.Role != wantRole {
				t.Errorf("ls --json partner %+v, want %q, its fingerprint, %s", p, tc.want, wantRole)
			}
		})
	}
}
