package join

import (
	"strings"
	"testing"
)

func TestParseAddressJump(t *testing.T) {
	me := loginName()
	for _, tc := range []struct {
		in   string
		want Address
		str  string // String(), if not in
	}{
		{in: "duet://main@localhost:40123/?jump=relay.example.com#" + testFP,
			want: Address{User: "main", Host: "localhost", Port: 40123, HostKey: testFP, Jump: "relay.example.com"}},
		{in: "duet://pair@localhost:9/?jump=alice@relay:2200",
			want: Address{User: "pair", Host: "localhost", Port: 9, Jump: "alice@relay:2200"}},
		{in: "duet://localhost:9?jump=%5B::1%5D:2200#" + testFP,
			want: Address{User: "main", Host: "localhost", Port: 9, HostKey: testFP, Jump: "[::1]:2200"},
			str:  "duet://main@localhost:9/?jump=%5B::1%5D:2200#" + testFP},
		{in: "ssh://bob@inner/?jump=outer", want: Address{SSH: true, User: "bob", Host: "inner", Port: 22, Jump: "outer"},
			str: "ssh://bob@inner:22/?jump=outer"},
		{in: "ssh://inner:22?jump=outer:2",
			want: Address{SSH: true, User: me, Host: "inner", Port: 22, Jump: "outer:2"}, str: "ssh://" + me + "@inner:22/?jump=outer:2"},
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
			if again, err := ParseAddress(got.String()); err != nil || again != got {
				t.Errorf("String() parses as %+v, %v", again, err)
			}
		})
	}
	// An Address with a jump but no scheme is written as a duet:// address.
	a := Address{User: "main", Host: "localhost", Port: 9, Jump: "relay"}
	if got, want := a.String(), "duet://main@localhost:9/?jump=relay"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if again, err := ParseAddress(a.String()); err != nil || again != a {
		t.Errorf("%q parses as %+v, %v", a.String(), again, err)
	}
}

func TestParseAddressJumpErrors(t *testing.T) {
	for _, tc := range []struct{ in, problem string }{
		{"duet://localhost:9/?x=1", "an address has no ?query other than ?jump=SERVER"},
		{"duet://localhost:9/?jump=", "after ?jump= comes an SSH server"},
		{"duet://localhost:9/?jump=a%2Fb", "after ?jump= comes an SSH server"},
		{"duet://localhost:9/?jump=%zz", "after ?jump= comes an SSH server"},
		{"duet://localhost:9/?jump=-oProxyCommand=x", `the jump the host name "-oProxyCommand=x" starts with "-"`},
		{"duet://localhost:9/?jump=r:0", `the jump the port "0" is not a number`},
		{"localhost:9?jump=r", "it has a path or a # in the wrong place"},
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
		})
	}
}

func TestParseServer(t *testing.T) {
	me := loginName()
	for _, tc := range []struct {
		in   string
		want Address
	}{
		{"server", Address{SSH: true, User: me, Host: "server", Port: 22}},
		{"alice@server", Address{SSH: true, User: "alice", Host: "server", Port: 22}},
		{" alice@server:2200 ", Address{SSH: true, User: "alice", Host: "server", Port: 2200}},
		{"[::1]:2", Address{SSH: true, User: me, Host: "::1", Port: 2}},
	} {
		got, err := ParseServer(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseServer(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "ssh://server", "duet://server", "server/x", "server?jump=x", "@server", "server:99999"} {
		if a, err := ParseServer(in); err == nil {
			t.Errorf("ParseServer(%q) = %+v, want an error", in, a)
		}
	}
}
