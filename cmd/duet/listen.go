package main

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"

	"github.com/duetpair/duet/keys"
)

// defaultPort is where `duet host` listens unless told otherwise; if it is taken, the next
// free port up to maxPortTries further is used.
const (
	defaultPort  = 2222
	maxPortTries = 100
)

// listen listens on addr; an empty addr means port 2222 on all interfaces, or the next
// free port.
func listen(addr string) (net.Listener, error) {
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("listen on %s: %w", addr, err)
		}
		return l, nil
	}
	var err error
	for port := defaultPort; port < defaultPort+maxPortTries; port++ {
		var l net.Listener
		l, err = net.Listen("tcp", ":"+strconv.Itoa(port))
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	return nil, fmt.Errorf("listen on port %d or the next %d: %w", defaultPort, maxPortTries-1, err)
}

// printJoinLines tells the host, once it is ready, where it listens, its host key
// fingerprint and how partners join.
func (c *cli) printJoinLines(addr, session, fingerprint string, store *keys.Store) {
	host, port, _ := net.SplitHostPort(addr)
	fmt.Fprintf(c.stdout, "listening on %s\n", addr)
	fmt.Fprintf(c.stdout, "host key %s\n", fingerprint)
	for _, ip := range joinAddrs(host) {
		fmt.Fprintf(c.stdout, "join: ssh -p %s %s@%s\n", port, session, ip)
	}
	if id, err := store.LoadIdentity(); err == nil {
		fmt.Fprintf(c.stdout, "you:  ssh -i %s -p %s %s@%s\n", id.Path, port, session, loopbackFor(host))
	}
}

// joinAddrs returns the addresses partners can reach the host on: the listening address,
// or for all interfaces the addresses of the machine's interfaces that are up.
func joinAddrs(host string) []string {
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

// loopbackFor returns the address the host itself joins on.
func loopbackFor(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return "127.0.0.1" // a listener on [::] takes IPv4 too
	}
	return host
}
