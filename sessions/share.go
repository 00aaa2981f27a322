package sessions

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// MaxPortTries bounds the ports [Listen] tries: DefaultPort and the ones after it.
const MaxPortTries = 100

// Listen listens on the TCP address addr. An empty addr means port 2222 on all
// interfaces, or the next free port if that one is taken.
func Listen(addr string) (net.Listener, error) {
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("listen on %s: %w", addr, err)
		}
		return l, nil
	}
	var err error
	for port := DefaultPort; port < DefaultPort+MaxPortTries; port++ {
		var l net.Listener
		l, err = net.Listen("tcp", ":"+strconv.Itoa(port))
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	return nil, fmt.Errorf("listen on port %d or the next %d: %w", DefaultPort, MaxPortTries-1, err)
}

// ShareAddrs returns the addresses partners can reach a host listening on host (an IP
// address, as a listener's address has it): that address, or for all interfaces the
// addresses of the machine's interfaces that are up (loopback only if there is no other).
func ShareAddrs(host string) []string {
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsUnspecified() {
		return []string{host}
	}
	var out, loop []string
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.IsLinkLocalUnicast() || (ip.To4() != nil && ipn.IP.To4() == nil) {
				continue
			}
			if ipn.IP.IsLoopback() {
				loop = append(loop, ipn.IP.String())
				continue
			}
			out = append(out, ipn.IP.String())
		}
	}
	if len(out) == 0 {
		return loop
	}
	return out
}

// LoopbackFor returns the address the host itself joins on when it listens on host.
func LoopbackFor(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return "127.0.0.1" // a listener on [::] takes IPv4 too
	}
	return host
}

// ShareInfo is what partners need to join a session of a host listening on an address:
// the ssh command lines and the invites, one per address partners can reach.
type ShareInfo struct {
	Listen      string   // the listener's address
	Fingerprint string   // the host key's
	SSHLines    []string // "ssh -p PORT SESSION@ADDR"
	Invites     []string // "duet://SESSION@ADDR:PORT/#SHA256:..."
}

// Share describes how partners join session on a host listening on listenAddr whose
// host key has the given fingerprint.
func Share(listenAddr, session, fingerprint string) ShareInfo {
	info := ShareInfo{Listen: listenAddr, Fingerprint: fingerprint}
	host, portText, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return info
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return info
	}
	for _, ip := range ShareAddrs(host) {
		info.SSHLines = append(info.SSHLines, fmt.Sprintf("ssh -p %d %s@%s", port, session, ip))
		info.Invites = append(info.Invites, Invite(session, ip, port, fingerprint))
	}
	return info
}

// CommandLine turns a command typed by the host into a program and arguments: a plain
// command line is run directly, anything a shell would interpret (quotes, pipes,
// variables) by /bin/sh -c.
func CommandLine(cmd string) []string {
	if strings.ContainsAny(cmd, "|&;<>()$`\\\"'*?[]#~=%{}\n") {
		return []string{"/bin/sh", "-c", cmd}
	}
	return strings.Fields(cmd)
}
