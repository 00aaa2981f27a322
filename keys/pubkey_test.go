package keys

import (
	"errors"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

func TestParsePublicKeys(t *testing.T) {
	a, b := duettest.PublicKey(t), duettest.PublicKey(t)
	la, lb := AuthorizedKey(a, "alice@laptop"), AuthorizedKey(b, "")
	type key struct {
		line    int
		role    Role
		comment string
	}
	for _, tc := range []struct {
		name    string
		text    string
		want    []key
		wantErr []string // error texts, in order
	}{
		{name: "one key", text: la + "\n", want: []key{{1, RoleDefault, "alice@laptop"}}},
		{name: "no newline", text: la, want: []key{{1, RoleDefault, "alice@laptop"}}},
		{name: "no comment", text: lb, want: []key{{1, RoleDefault, ""}}},
		{name: "crlf and bom", text: "\ufeff" + la + "\r\n" + lb + "\r\n",
			want: []key{{1, RoleDefault, "alice@laptop"}, {2, RoleDefault, ""}}},
		{name: "spaces, comments, blanks", text: "# partners\n\n  " + la + "  \n\t\n" + lb,
			want: []key{{3, RoleDefault, "alice@laptop"}, {5, RoleDefault, ""}}},
		{name: "roles", text: "duet-role=view " + la + "\nDUET-ROLE=\"type\" " + lb + "\n",
			want: []key{{1, RoleView, "alice@laptop"}, {2, RoleType, ""}}},
		{name: "bad lines", text: "hello\n" + la + "\nssh-ed25519 AAAA!!\n",
			want:    []key{{2, RoleDefault, "alice@laptop"}},
			wantErr: []string{"in:1: not a public key", "in:3: not a public key"}},
		{name: "unsupported option", text: `command="ls" ` + la + "\n",
			wantErr: []string{`in:1: unsupported option "command" (Duet honours only duet-role=, from= and expiry-time=)`}},
		{name: "certificate", text: certLine(t) + "\n", wantErr: []string{`in:1: a certificate, not a key`}},
		{name: "from with a host name", text: `from="*.example.com" ` + la + "\n", wantErr: []string{`in:1: from=: "*.example.com" is a host name`}},
		{name: "bad expiry", text: `expiry-time="tomorrow" ` + la + "\n", wantErr: []string{`in:1: expiry-time="tomorrow" is not`}},
		{name: "restrict", text: "restrict " + la + "\n", wantErr: []string{`in:1: unsupported option "restrict"`}},
		{name: "unknown role", text: "duet-role=admin " + la + "\n", wantErr: []string{`in:1: unknown role "admin"`}},
		{name: "two roles", text: "duet-role=view,duet-role=type " + la + "\n",
			wantErr: []string{"in:1: more than one duet-role option"}},
		{name: "type mismatch", text: "ssh-rsa " + strings.Fields(la)[1] + "\n", wantErr: []string{"in:1: not a public key (ssh: authorized keys key type mismatch"}},
		{name: "private key pasted",
			text:    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA secret\n-----END OPENSSH PRIVATE KEY-----\n" + lb,
			want:    []key{{4, RoleDefault, ""}},
			wantErr: []string{"in:1: a private key: give the public key (.pub file) instead"}},
		{name: "rfc 4716", text: "---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\nAAAA\n---- END SSH2 PUBLIC KEY ----\n",
			wantErr: []string{"in:1: an RFC 4716 public key"}},
		{name: "control bytes in blob (fuzz)", text: "0 AAAACA000000000K",
			wantErr: []string{"in:1: not a public key (ssh: unknown key algorithm: ?4"}},
		{name: "empty", text: "", wantErr: []string{"in: no public key found"}},
		{name: "only comments", text: "# nothing\n\n", wantErr: []string{"in: no public key found"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := ParsePublicKeys("in", []byte(tc.text))
			if len(got) != len(tc.want) {
				t.Fatalf("got %d keys, want %d (errors %v)", len(got), len(tc.want), errs)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Line != w.line || g.Role != w.role || g.Comment != w.comment {
					t.Errorf("key %d: line %d role %v comment %q, want %+v", i, g.Line, g.Role, g.Comment, w)
				}
			}
			if len(errs) != len(tc.wantErr) {
				t.Fatalf("errors %v, want %v", errs, tc.wantErr)
			}
			for i, err := range errs {
				var le *LineError
				if !errors.As(err, &le) {
					t.Errorf("error %v is not a *LineError", err)
				}
				if !strings.HasPrefix(err.Error(), tc.wantErr[i]) {
					t.Errorf("error %q, want prefix %q", err, tc.wantErr[i])
				}
				if strings.Contains(err.Error(), "secret") || strings.ContainsAny(err.Error(), "\r\n") {
					t.Errorf("error %q repeats the line", err)
				}
			}
		})
	}
}

func TestAuthorizedKeyComment(t *testing.T) {
	pub := duettest.PublicKey(t)
	line := AuthorizedKey(pub, " evil\nssh-ed25519 AAAA x\r\t")
	if strings.ContainsAny(line, "\r\n\t") {
		t.Fatalf("line %q spans lines", line)
	}
	got, errs := ParsePublicKeys("x", []byte(line))
	if len(errs) != 0 || len(got) != 1 || !sameKey(got[0].Key, pub) || got[0].Comment != "evil ssh-ed25519 AAAA x" {
		t.Errorf("parsed %+v, %v", got, errs)
	}
}

func TestRole(t *testing.T) {
	for _, tc := range []struct {
		role Role
		text string
	}{{RoleDefault, "default"}, {RoleType, "type"}, {RoleView, "view"}} {
		if got := tc.role.String(); got != tc.text {
			t.Errorf("%d.String() = %q, want %q", tc.role, got, tc.text)
		}
		if got, err := ParseRole(tc.text); err != nil || got != tc.role {
			t.Errorf("ParseRole(%q) = %v, %v", tc.text, got, err)
		}
	}
	if _, err := ParseRole("View"); err == nil {
		t.Error(`ParseRole("View"): no error`)
	}
	if RoleDefault.Or(RoleView) != RoleView || RoleType.Or(RoleView) != RoleType {
		t.Error("Or")
	}
	if got := Role(9).String(); got != "Role(9)" {
		t.Errorf("Role(9) = %q", got)
	}
}
