package keys

import (
	"errors"
	"fmt"
	"net"
	"path"
	"strings"
	"time"
)

// Permits reports whether the entry approves its key for a partner from remote now: nil
// if so, else why not (outside from=, past expiry-time). A nil remote skips from=.
func (e Entry) Permits(remote net.Addr, now time.Time) error {
	if !e.Expires.IsZero() && now.After(e.Expires) {
		return fmt.Errorf("approved until %s only (expiry-time)", e.Expires.Format("2006-01-02 15:04"))
	}
	if e.From == "" || remote == nil {
		return nil
	}
	ip := remoteIP(remote)
	if ip == nil || !fromMatches(e.From, ip) {
		return fmt.Errorf("approved only from %s (from=)", truncate(e.From, 80))
	}
	return nil
}

func remoteIP(a net.Addr) net.IP {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return nil
	}
	return net.ParseIP(host)
}

// fromMatches matches ip against from's patterns as sshd does: a match of a negated
// pattern (!p) refuses, else any match approves.
func fromMatches(from string, ip net.IP) bool {
	matched := false
	for _, p := range strings.Split(from, ",") {
		p = strings.TrimSpace(p)
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		if patternMatches(p, ip) {
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}

func patternMatches(p string, ip net.IP) bool {
	if strings.Contains(p, "/") {
		_, n, err := net.ParseCIDR(p)
		return err == nil && n.Contains(ip)
	}
	ok, err := path.Match(strings.ToLower(p), ip.String())
	return err == nil && ok
}

// checkFrom reports whether from's patterns are ones Duet can match.
func checkFrom(from string) error {
	if strings.TrimSpace(from) == "" {
		return errors.New("from= with no address")
	}
	for _, p := range strings.Split(from, ",") {
		p = strings.TrimPrefix(strings.TrimSpace(p), "!")
		switch {
		case strings.Contains(p, "/"):
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("from=: %q is not an address range", truncate(p, 40))
			}
		case strings.Trim(p, "0123456789abcdefABCDEF.:*?") != "":
			return fmt.Errorf("from=: %q is a host name; Duet matches addresses only (as sshd with UseDNS no)", truncate(p, 40))
		}
	}
	return nil
}

// parseExpiry reads expiry-time as sshd does: YYYYMMDD[HHMM[SS]], local time unless it
// ends in Z (UTC).
func parseExpiry(s string) (time.Time, error) {
	loc := time.Local
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		s, loc = s[:len(s)-1], time.UTC
	}
	for _, layout := range []string{"20060102150405", "200601021504", "20060102"} {
		if len(s) == len(layout) {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("expiry-time=%q is not YYYYMMDD[HHMM[SS]][Z]", truncate(s, 20))
}
