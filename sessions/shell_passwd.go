//go:build !windows && !darwin

package sessions

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// accountShell returns the login shell of the user's entry in /etc/passwd, or "". Users
// kept in a directory service (LDAP, say) usually have $SHELL set by their login.
func accountShell() string {
	f, err := os.Open("/etc/passwd")
	if err != nil {
		return ""
	}
	defer f.Close()
	uid := strconv.Itoa(os.Getuid())
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// name:password:uid:gid:gecos:home:shell
		fields := strings.Split(sc.Text(), ":")
		if len(fields) == 7 && fields[2] == uid && strings.HasPrefix(fields[6], "/") {
			return fields[6]
		}
	}
	return ""
}
