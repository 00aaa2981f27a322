package sessions

import (
	"slices"
	"testing"
)

func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"tmux new -A -s pair", []string{"tmux", "new", "-A", "-s", "pair"}},
		{"top | head", ShellCommand("top | head")},
		{"echo $HOME", ShellCommand("echo $HOME")},
		{"  vim  ", []string{"vim"}},
	} {
		if got := CommandLine(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("CommandLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
