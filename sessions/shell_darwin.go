package sessions

import (
	"os/exec"
	"os/user"
	"strings"
)

// accountShell returns the login shell in the user's record of the directory service
// (dscl), or "". An app started from the Finder may have no $SHELL.
func accountShell() string {
	u, err := user.Current()
	if err != nil {
		return ""
	}
	out, err := exec.Command("/usr/bin/dscl", ".", "-read", "/Users/"+u.Username, "UserShell").Output()
	if err != nil {
		return ""
	}
	// "UserShell: /bin/zsh"
	if _, sh, ok := strings.Cut(strings.TrimSpace(string(out)), ":"); ok {
		if sh = strings.TrimSpace(sh); strings.HasPrefix(sh, "/") {
			return sh
		}
	}
	return ""
}
