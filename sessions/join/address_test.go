package join

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
)

const testFP = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"

func TestParseAddress(t *testing.T) {
	me := loginName()
	for _, tc := range []struct {
		in   string
		want Address
		str  string // String(), if not in
	}{
		{in: "host", want: Address{User: "main", Host: "host", Port: 2222}, str: "main@host:2222"},
		{in: "  host.example.com\n", want: Address{User: "main", Host: "host.example.com", Port: 2222}, str: "main@host.example.com:2222"},
		{in: "host:2200", want: Address{User: "main", Host: "host", Port: 2200}, str: "main@host:2200"},
		{in: "pair@host:2200", want: Address{User: "pair", Host: "host", Port: 2200}},
		{in: "10.0.0.7", want: Address{User: "main", Host: "10.0.0.7", Port: 2222}, str: "main@10.0.0.7:2222"},
		{in: "host:22", want: Address{User: me, Host: "host", Port: 22}, str: me + "@host:22"},
		{in: "[::1]:2300", want: Address{User: "main", Host: "::1", Port: 2300}, str: "main@[::1]:2300"},
		{in: "[fe80::1%eth0]", want: Address{User: "main", Host: "fe80::1%eth0", Port: 2222}, str: "main@[fe80::1%eth0]:2222"},
		{in: "fe80::1", want: Address{User: "main", Host: "fe80::1", Port: 2222}, str: "main@[fe80::1]:2222"},
		{in: "bob@[2001:db8::2]:9", want: Address{User: "bob", Host: "2001:db8::2", Port: 9}},
		{in: "ssh://alice@server", want: Address{SSH: true, User: "alice", Host: "server", Port: 22}, str: "ssh://alice@server:22"},
		{in: "SSH://server:2022/", want: Address{SSH: true, User: me, Host: "server", Port: 2022}, str: "ssh://" + me + "@server:2022"},
		{in: "ssh://[::1]:22", want: Address{SSH: true, User: me, Host: "::1", Port: 22}, str: "ssh://" + me + "@[::1]:22"},
		{in: "duet://main@10.1.2.3:2222/#" + testFP, want: Address{User: "main", Host: "10.1.2.3", Port: 2222, HostKey: testFP}},
		{in: "duet://pair@host/#" + testFP, want: Address{User: "pair", Host: "host", Port: 2222, HostKey: testFP},
			str: "duet://pair@host:2222/#" + testFP},
		{in: "duet://host:7#sha256:" + testFP[7:] + "=", want: Address{User: "main", Host: "host", Port: 7, HostKey: testFP},
			str: "duet://main@host:7/#" + testFP},
		{in: "duet://h/#SHA256%3A" + strings.ReplaceAll(testFP[7:], "+", "%2B"), want: Address{User: "main", Host: "h", Port: 2222, HostKey: testFP},
			str: "duet://main@h:2222/#" + testFP},
		{in: "duet://pair@host:2222/", want: Address{User: "pair", Host: "host", Port: 2222}, str: "pair@host:2222"},
		{in: "a.b-c_d@x", want: Address{User: "a.b-c_d", Host: "x", Port: 2222}, str: "a.b-c_d@x:2222"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseAddress(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			str := tc.str
			if str == "" {
				str = tc.in
			}
			if got.String() != str {
				t.Errorf("String() = %q, want %q", got.String(), str)
			}
		})
	}
}

func TestParseAddressErrors(t *testing.T) {
	for _, tc := range []struct{ in, problem string }{
		{"", "it is empty"},
		{"   ", "it is empty"},
		{"host:", "the port after : is missing"},
		{"host:0", `the port "0" is not a number from 1 to 65535`},
		{"host:65536", `the port "65536" is not a number from 1 to 65535`},
		{"host:+22", `the port "+22" is not a number`},
		{"host:0000022", `the port "0000022" is not a number`},
		{"host:ssh", `the port "ssh" is not a number`},
		{"@host", "the user name before @ is empty"},
		{"a b@host", `the user name "a b" may not contain spaces`},
		{"-oProxyCommand=x", `the host name "-oProxyCommand=x" starts with "-"`},
		{"host name", `the host name "host name" may only have letters`},
		{"bob@", "the host is missing"},
		{":22", "the host is missing"},
		{"fe80::1:22:x", "an IPv6 address with a port needs brackets"},
		{"[::1", "the [ before the IPv6 address has no ]"},
		{"[::1]22", "after ] comes :PORT or nothing"},
		{"[1.2.3.4]:22", `"1.2.3.4" is not an IPv6 address`},
		{"[fe80::1%]:22", `the IPv6 zone "" must be an interface name`},
		{"http://host", `unknown scheme "http" (use duet:// or ssh://, or leave it out)`},
		{"ssh://host/#" + testFP, "only a duet:// invite may carry a #fingerprint"},
		{"ssh://host/path", "it has a path"},
		{"ssh://host?x=1", "an address has no ?query"},
		{"host/#" + testFP, "it has a path or a # in the wrong place"},
		{"duet://host/#MD5:aa:bb", "the invite's fingerprint must look like SHA256:..."},
		{"duet://host/#SHA256:abc", "the invite's fingerprint must look like SHA256:..."},
		{"duet://host/#SHA256:" + testFP[7:] + "AAAA", "the invite's fingerprint must look like"},
		{"duet://host/#SHA256%zz", "the invite's fingerprint must look like"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			a, err := ParseAddress(tc.in)
			if err == nil {
				t.Fatalf("parsed as %+v, want an error", a)
			}
			ae, ok := err.(*AddressError)
			if !ok {
				t.Fatalf("error %T, want *AddressError", err)
			}
			if !strings.HasPrefix(ae.Problem, tc.problem) {
				t.Errorf("problem %q, want it to start with %q", ae.Problem, tc.problem)
			}
			if strings.Count(err.Error(), "\n") > 0 || !strings.HasPrefix(err.Error(), "cannot read the address ") {
				t.Errorf("error %q is not one sentence", err)
			}
		})
	}
}

func TestInvite(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	fp := keys.Fingerprint(key)
	for _, tc := range []struct {
		name, host string
		port       int
		want       string
	}{
		{"main", "192.168.1.5", 2222, "duet://main@192.168.1.5:2222/#" + fp},
		{"", "laptop.local", 2223, "duet://main@laptop.local:2223/#" + fp},
		{"pair", "fe80::1%eth0", 2222, "duet://pair@[fe80::1]:2222/#" + fp},
	} {
		got := Invite(tc.name, tc.host, tc.port, fp)
		if got != tc.want {
			t.Errorf("Invite(%q, %q, %d) = %q, want %q", tc.name, tc.host, tc.port, got, tc.want)
		}
		a, err := ParseAddress(got)
		if err != nil {
			t.Fatalf("the invite does not parse: %v", err)
		}
		if a.HostKey != fp || a.Port != tc.port {
			t.Errorf("parsed invite %+v", a)
		}
	}
}

// FuzzParseAddress: parsing never panics, and what parses is written back by String in a
// form that parses to the same address.
func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{
		"host", "host:2200", "user@host:22", "[::1]:2222", "fe80::1", "bob@[fe80::1%eth0]:9",
		"ssh://user@host:22/", "duet://main@10.0.0.1:2222/#" + testFP, "duet://h#SHA256%3Aabc",
		"@", "[", "]:", "a@b@c", "host:99999", "ssh://", "duet://#", "::", "[::]:0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			return
		}
		if a.Host == "" || a.User == "" || a.Port < 1 || a.Port > 65535 {
			t.Fatalf("incomplete address %+v from %q", a, s)
		}
		again, err := ParseAddress(a.String())
		if err != nil {
			t.Fatalf("%q parsed as %+v, but its String %q does not parse: %v", s, a, a.String(), err)
		}
		if again != a {
			t.Fatalf("%q parsed as %+v; its String %q parses as %+v", s, a, a.String(), again)
		}
	})
}
