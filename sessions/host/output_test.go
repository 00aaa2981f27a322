//go:build !windows

package host

import (
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// Attack: a partner who may type (or the program) prints sequences that act on the
// other partners' terminals beyond the screen: set their clipboard (OSC 52), make them
// answer (cursor report, title report, DECRQSS, colour query, ENQ), or open a
// passthrough. None of it reaches another partner's real terminal (OpenSSH in a
// pseudo-terminal); titles arrive sanitised.
func TestOutputActsOnNoPartnerTerminal(t *testing.T) {
	duettest.NeedOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	typer := duettest.RunSSH(t, duettest.SSHArgs(t, addr, approvedKey(t, h, keys.RoleType), "main"), false)
	viewer := duettest.RunSSH(t, duettest.SSHArgs(t, addr, approvedKey(t, h, keys.RoleView), "main"), false)
	duettest.Poll(t, "both partners to attach", func() bool { return len(h.Sessions.Default().Clients()) == 2 })
	typer.Type(t, `printf '\033]52;c;aGFja2Vk\007\033[6n\033[21t\033P$qm\033\134\033]11;?\007\005`+
		`\033Ptmux;\033\033]52;c;eA==\007\033\134\302\2336n\033]2;ti\033[2Jtle\007done-%d\n' 42`+"\r")
	out := string(viewer.Out.WaitFor(t, "done-42"))
	out = out[strings.LastIndex(out, "printf"):] // the shell's echo of the command line aside
	out = out[strings.Index(out, "\n"):]
	for name, seq := range map[string]string{
		"OSC 52": "\x1b]52", "cursor report": "\x1b[6n", "title report": "\x1b[21t",
		"DECRQSS": "\x1bP", "colour query": "\x1b]11", "ENQ": "\x05", "C1 CSI": "\u009b",
	} {
		if strings.Contains(out, seq) {
			t.Errorf("the viewer's terminal got the %s (%q) in %q", name, seq, out)
		}
	}
}
