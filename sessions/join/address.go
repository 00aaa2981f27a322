package join

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/duetpair/duet/sessions/wire"
)

// DefaultSSHPort is the port of an ordinary SSH server: what "ssh://host" and "host:22"
// mean. A Duet host's is [wire.DefaultPort], what "host" and "duet://host" mean.
const DefaultSSHPort = 22

// Address is where to join: a Duet host or any SSH server. [ParseAddress] reads it and
// fills in every default, so an Address is always complete, and [Address.String] writes
// it back in a form that parses to the same Address.
type Address struct {
	// SSH is set for an ssh:// address: an ordinary SSH server rather than a Duet host.
	// It only changes the defaults and how the address is written.
	SSH  bool
	User string // the session name on a Duet host; the login name on an SSH server
	Host string // host name or IP address, without brackets
	Port int
	// HostKey is the host key fingerprint an invite pins ("SHA256:..."), or "" if none.
	// The host must offer exactly this key.
	HostKey string
	// Jump is the SSH server to connect through, as with ssh -J ("server",
	// "user@server:port"; port 22 and your login name unless given), or "" to connect
	// directly: a Duet host reached through a relay that listens on its loopback only.
	Jump string
}

// AddressError says why an address cannot be read, in one sentence.
type AddressError struct {
	Input   string
	Problem string // "the port must be a number from 1 to 65535"
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("cannot read the address %q: %s", e.Input, e.Problem)
}

// ParseAddress reads an address in one of these forms:
//
//	host                           a Duet host on port 2222, session main
//	host:port, [v6addr]:port       the same on another port
//	user@host:port, user@[v6]:port user picks the session (or the login name)
//	ssh://user@host:port           an SSH server: port 22 and your login name by default
//	duet://SESSION@HOST:PORT/#SHA256:FINGERPRINT
//	                               an invite, which pins the host's key
//	duet://SESSION@localhost:PORT/?jump=SERVER#SHA256:...
//	                               the same through SERVER, as ssh -J SERVER
//
// A missing port is 2222, or 22 for ssh://. A missing user is the session "main", or your
// login name for ssh:// and for port 22 (an SSH server, not a Duet host).
func ParseAddress(s string) (Address, error) {
	in := strings.TrimSpace(s)
	a, problem := parseAddress(in)
	if problem != "" {
		return Address{}, &AddressError{Input: shorten(in, 200), Problem: problem}
	}
	return a, nil
}

func parseAddress(in string) (Address, string) {
	var a Address
	if in == "" {
		return a, "it is empty"
	}
	rest, fragment := in, ""
	invite := false
	if scheme, after, ok := strings.Cut(in, "://"); ok {
		switch strings.ToLower(scheme) {
		case "ssh":
			a.SSH = true
		case "duet":
			invite = true
		default:
			return a, fmt.Sprintf("unknown scheme %q (use duet:// or ssh://, or leave it out)", shorten(scheme, 20))
		}
		rest = after
		if i := strings.IndexByte(rest, '#'); i >= 0 {
			rest, fragment = rest[:i], rest[i+1:]
			if !invite {
				return a, "only a duet:// invite may carry a #fingerprint"
			}
		}
		if before, query, ok := strings.Cut(rest, "?"); ok {
			jump, p := parseJump(query)
			if p != "" {
				return a, p
			}
			rest, a.Jump = before, jump
		}
		rest = strings.TrimSuffix(rest, "/")
	}
	if strings.ContainsAny(rest, "/#?") {
		return a, "it has a path or a # in the wrong place (an invite looks like duet://SESSION@HOST:PORT/#SHA256:...)"
	}
	if userPart, hostPart, ok := cutLast(rest, "@"); ok {
		if userPart == "" {
			return a, "the user name before @ is empty"
		}
		if p := checkUser(userPart); p != "" {
			return a, p
		}
		a.User, rest = userPart, hostPart
	}
	host, port, p := splitHostPort(rest)
	if p != "" {
		return a, p
	}
	a.Host, a.Port = host, port
	if fragment != "" {
		fp, p := parseFingerprint(fragment)
		if p != "" {
			return a, p
		}
		a.HostKey = fp
	}
	a.fillDefaults()
	return a, ""
}

// fillDefaults sets the port and user if they were left out.
func (a *Address) fillDefaults() {
	if a.Port == 0 {
		a.Port = wire.DefaultPort
		if a.SSH {
			a.Port = DefaultSSHPort
		}
	}
	if a.User == "" {
		a.User = wire.DefaultSession
		if a.SSH || a.Port == DefaultSSHPort {
			a.User = loginName()
		}
	}
}

// splitHostPort reads host, host:port, [v6], [v6]:port or a bare IPv6 address.
func splitHostPort(s string) (host string, port int, problem string) {
	if s == "" {
		return "", 0, "the host is missing"
	}
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, "the [ before the IPv6 address has no ]"
		}
		host, rest := s[1:end], s[end+1:]
		if p := checkIPv6(host); p != "" {
			return "", 0, p
		}
		if rest == "" {
			return host, 0, ""
		}
		if rest[0] != ':' {
			return "", 0, "after ] comes :PORT or nothing"
		}
		port, p := parsePort(rest[1:])
		return host, port, p
	}
	if strings.Count(s, ":") > 1 {
		if checkIPv6(s) == "" {
			return s, 0, ""
		}
		return "", 0, "an IPv6 address with a port needs brackets, as in [fe80::1]:2222"
	}
	host, portText, hasPort := strings.Cut(s, ":")
	if p := checkHostName(host); p != "" {
		return "", 0, p
	}
	if !hasPort {
		return host, 0, ""
	}
	port, p := parsePort(portText)
	return host, port, p
}

func parsePort(s string) (int, string) {
	if s == "" {
		return 0, "the port after : is missing"
	}
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 5 || s[0] < '0' || s[0] > '9' || n < 1 || n > 65535 {
		return 0, fmt.Sprintf("the port %q is not a number from 1 to 65535", shorten(s, 20))
	}
	return n, ""
}

func checkIPv6(s string) string {
	addr, zone, _ := strings.Cut(s, "%")
	ip, err := netip.ParseAddr(addr)
	if err != nil || !ip.Is6() {
		return fmt.Sprintf("%q is not an IPv6 address", shorten(s, 60))
	}
	if strings.Contains(s, "%") && (zone == "" || !isNameChars(zone)) {
		return fmt.Sprintf("the IPv6 zone %q must be an interface name", shorten(zone, 30))
	}
	return ""
}

func checkHostName(h string) string {
	switch {
	case h == "":
		return "the host is missing"
	case len(h) > 253:
		return "the host name is longer than 253 characters"
	case h[0] == '-' || h[0] == '.':
		return fmt.Sprintf("the host name %q starts with %q", shorten(h, 60), h[:1])
	case !isNameChars(h):
		return fmt.Sprintf("the host name %q may only have letters, digits, dots, hyphens and underscores", shorten(h, 60))
	}
	return ""
}

// isNameChars reports whether s has only ASCII letters, digits, '.', '-' and '_'.
func isNameChars(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func checkUser(u string) string {
	if len(u) > 64 {
		return "the user name is longer than 64 characters"
	}
	for _, r := range u {
		if r <= ' ' || r == 0x7f || r == 0xfffd || strings.ContainsRune("@:/#?[]", r) || !strconv.IsPrint(r) {
			return fmt.Sprintf("the user name %q may not contain spaces, control characters or any of @ : / # ? [ ]", shorten(u, 60))
		}
	}
	return ""
}

// parseFingerprint reads the #fragment of an invite: "SHA256:" and the base64 of a
// SHA-256 hash, as OpenSSH prints it. It returns the fingerprint in that same form.
func parseFingerprint(s string) (string, string) {
	bad := "the invite's fingerprint must look like SHA256:... (43 characters of base64 after the colon)"
	if strings.Contains(s, "%") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return "", bad
		}
		s = u
	}
	algo, b64, ok := strings.Cut(s, ":")
	if !ok || !strings.EqualFold(algo, "SHA256") {
		return "", bad
	}
	sum, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(b64, "="))
	if err != nil || len(sum) != 32 {
		return "", bad
	}
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum), ""
}

// String writes the address so that [ParseAddress] reads it back as it is: as an invite
// if it pins a host key, as ssh:// for an SSH server, else as user@host:port.
func (a Address) String() string {
	hp := a.HostPort()
	jump := ""
	if a.Jump != "" {
		jump = "/?jump=" + url.PathEscape(a.Jump)
	}
	switch {
	case a.HostKey != "":
		if jump == "" {
			jump = "/"
		}
		return "duet://" + a.User + "@" + hp + jump + "#" + a.HostKey
	case a.SSH:
		return "ssh://" + a.User + "@" + hp + jump
	case jump != "":
		return "duet://" + a.User + "@" + hp + jump
	}
	return a.User + "@" + hp
}

// parseJump reads the ?query of an address: jump=SERVER, the SSH server to go through.
func parseJump(query string) (string, string) {
	value, ok := strings.CutPrefix(query, "jump=")
	if !ok {
		return "", "an address has no ?query other than ?jump=SERVER"
	}
	jump, err := url.PathUnescape(value)
	if err != nil || jump == "" || strings.ContainsAny(jump, "/?#") {
		return "", "after ?jump= comes an SSH server: server, server:port or user@server:port"
	}
	if _, err := ParseServer(jump); err != nil {
		return "", "the jump " + err.(*AddressError).Problem
	}
	return jump, ""
}

// ParseServer reads an SSH server to log in to, as ssh would: "server", "user@server",
// "server:port" or "user@server:port"; the port is 22 and the user your login name
// unless given. It reads a relay to host through ([Relay].Server) and [Address].Jump.
func ParseServer(s string) (Address, error) {
	in := strings.TrimSpace(s)
	if strings.Contains(in, "://") || strings.ContainsAny(in, "/?#") {
		return Address{}, &AddressError{Input: shorten(in, 200),
			Problem: "an SSH server is written server, server:port or user@server:port"}
	}
	a, problem := parseAddress("ssh://" + in)
	if problem != "" {
		return Address{}, &AddressError{Input: shorten(in, 200), Problem: problem}
	}
	return a, nil
}

// HostPort returns "host:port" (with brackets around an IPv6 address), for dialling.
func (a Address) HostPort() string {
	return net.JoinHostPort(a.Host, strconv.Itoa(a.Port))
}

// Invite returns the invite for the session name on a host reachable at host and port
// whose host key has the SHA256 fingerprint given (as [keys.Fingerprint] writes it, or
// host.Server.Fingerprint returns it): "duet://NAME@HOST:PORT/#SHA256:...". A partner who
// joins with it checks the host key without being asked.
func Invite(name, host string, port int, fingerprint string) string {
	if name == "" {
		name = wire.DefaultSession
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.WithZone("").String() // zones mean nothing on the partner's machine
	}
	if fp, problem := parseFingerprint(fingerprint); problem == "" {
		fingerprint = fp
	}
	return Address{User: name, Host: host, Port: port, HostKey: fingerprint}.String()
}

// cutLast is strings.Cut at the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// loginName is the local user's name, the default user of an SSH server.
func loginName() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if i := strings.LastIndexByte(name, '\\'); i >= 0 { // Windows: DOMAIN\user
		name = name[i+1:]
	}
	if name == "" {
		return wire.DefaultSession
	}
	return name
}

// shorten cuts s to at most n bytes of valid UTF-8, for error messages.
func shorten(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n] + "..."
}
