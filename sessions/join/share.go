package join

import (
	"fmt"
	"net"
	"strconv"
)

// shareAddrs returns the addresses partners can reach a host listening on host (an IP
// address, as a listener's address has it): that address, or for all interfaces the
// addresses of the machine's interfaces that are up (loopback only if there is no other).
func shareAddrs(host string) []string {
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
	for _, ip := range shareAddrs(host) {
		info.SSHLines = append(info.SSHLines, fmt.Sprintf("ssh -p %d %s@%s", port, session, ip))
		info.Invites = append(info.Invites, Invite(session, ip, port, fingerprint))
	}
	return info
}
