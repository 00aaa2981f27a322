//go:build !windows

package sessions

import (
	"slices"
	"testing"
)

func TestShellCommand(t *testing.T) {
	if got, want := ShellCommand("echo $HOME | wc"), []string{"/bin/sh", "-c", "echo $HOME | wc"}; !slices.Equal(got, want) {
		t.Errorf("ShellCommand = %q, want %q", got, want)
	}
}

func TestLoginShellFromAccount(t *testing.T) {
	t.Setenv("SHELL", "")
	sh := loginShell()
	if sh == "" || sh[0] != '/' {
		t.Errorf("loginShell() = %q, want an absolute path (the account's shell, else /bin/sh)", sh)
	}
	if acct := accountShell(); acct != "" && sh != acct {
		t.Errorf("loginShell() = %q, want the account's %q", sh, acct)
	}
}
