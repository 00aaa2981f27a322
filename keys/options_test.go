package keys

import (
	"crypto/rand"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
)

// certLine returns an authorized_keys line holding a user certificate.
func certLine(tb testing.TB) string {
	tb.Helper()
	ca := duettest.Signer(tb)
	cert := &ssh.Certificate{Key: duettest.PublicKey(tb), CertType: ssh.UserCert, KeyId: "partner",
		ValidPrincipals: []string{"me"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		tb.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(cert)))
}

// from= and expiry-time= are honoured as sshd honours them; a rewrite keeps them.
func TestApprovedOptions(t *testing.T) {
	key := duettest.PublicKey(t)
	at := func(s string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(s), Port: 1} }
	for _, tc := range []struct {
		opts   string
		remote net.Addr
		now    time.Time
		ok     bool
	}{
		{`from="127.0.0.1"`, at("127.0.0.1"), time.Now(), true},
		{`from="127.0.0.1"`, at("127.0.0.2"), time.Now(), false},
		{`from="10.0.0.0/8,!10.9.9.9"`, at("10.1.2.3"), time.Now(), true},
		{`from="10.0.0.0/8,!10.9.9.9"`, at("10.9.9.9"), time.Now(), false},
		{`from="192.168.1.*"`, at("192.168.1.77"), time.Now(), true},
		{`from="fd00::/8"`, at("fd00::1"), time.Now(), true},
		{`from="127.0.0.1"`, nil, time.Now(), true}, // a live record: from= not checked
		{`expiry-time="20300101"`, at("127.0.0.1"), time.Date(2029, 12, 31, 0, 0, 0, 0, time.Local), true},
		{`expiry-time="20300101"`, at("127.0.0.1"), time.Date(2030, 1, 2, 0, 0, 0, 0, time.Local), false},
		{`expiry-time="203001011200Z"`, at("127.0.0.1"), time.Date(2030, 1, 1, 12, 1, 0, 0, time.UTC), false},
	} {
		entries, errs := ParsePublicKeys("in", []byte(tc.opts+" "+AuthorizedKey(key, "c")))
		if len(errs) > 0 || len(entries) != 1 {
			t.Fatalf("%s: %v", tc.opts, errs)
		}
		if err := entries[0].Permits(tc.remote, tc.now); (err == nil) != tc.ok {
			t.Errorf("%s from %v at %v: %v, want ok=%v", tc.opts, tc.remote, tc.now, err, tc.ok)
		}
	}

	ap := newStore(t).Approved()
	writeFile(t, ap.Path(), `from="127.0.0.1",expiry-time="20991231" `+AuthorizedKey(key, "c")+"\n")
	if err := ap.Add(key, RoleView, ""); err != nil {
		t.Fatal(err)
	}
	e, ok := ap.Find(key)
	if !ok || e.Role != RoleView || e.From != "127.0.0.1" || e.Expires.Year() != 2099 {
		t.Fatalf("after a rewrite: %+v", e)
	}
}
