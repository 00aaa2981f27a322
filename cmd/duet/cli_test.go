package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duetpair/duet/keys"
)

// TestMain lets the test binary stand in for duet: tests run it as a subprocess with
// DUET_TEST_AS_DUET=1 to test `duet host` as a user runs it, and as the far-away
// benchmark's terminal program with DUET_TEST_WAN_PROGRAM=1.
func TestMain(m *testing.M) {
	if os.Getenv(wanProgramEnv) == "1" {
		os.Exit(runWANProgram())
	}
	if os.Getenv("DUET_TEST_AS_DUET") == "1" {
		os.Exit(newCLI().run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// runCLI runs duet in-process with args and stdin, and returns its exit code and output.
func runCLI(t testing.TB, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code = c.run(args)
	return code, out.String(), errb.String()
}

func TestCommandLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		stdout     string // contained
		stderr     string // contained
		oneErrLine bool
	}{
		{name: "version", args: []string{"version"}, stdout: "duet " + version},
		{name: "version with config dir", args: []string{"--config-dir", dir, "version"}, stdout: "duet "},
		{name: "window with an unknown flag", args: []string{"--bogus"}, code: 2, stderr: "flag provided but not defined"},
		{name: "window with an argument", args: []string{"--", "frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{name: "unknown flag", args: []string{"host", "--bogus"}, code: 2, stderr: "flag provided but not defined"},
		{name: "bad approve mode", args: []string{"host", "--approve", "maybe"}, code: 2, stderr: "prompt or deny"},
		{name: "bad size", args: []string{"host", "--size", "big"}, code: 2, stderr: "smallest or host"},
		{name: "bad history", args: []string{"host", "--history", "-3"}, code: 2, stderr: "0 for none"},
		{name: "host takes no args", args: []string{"host", "extra"}, code: 2, stderr: "no arguments"},
		{name: "approve needs a file", args: []string{"approve"}, code: 2, stderr: "FILE"},
		{name: "approve missing file", args: []string{"approve", "--config-dir", dir, filepath.Join(dir, "nope.pub")},
			code: 1, stderr: "no such file", oneErrLine: true},
		{name: "approve not a key", args: []string{"approve", "--config-dir", dir, "-"},
			code: 1, stderr: "-:1: not a public key", oneErrLine: true},
		{name: "a malformed invite link", args: []string{"duet://main@host:99999/#SHA256:x"}, code: 1,
			stderr: "99999", oneErrLine: true},
		{name: "two invites", args: []string{"duet://a@h:1", "duet://b@h:1"}, code: 2, stderr: "one invite at a time"},
		{name: "help", args: []string{"--help"}, stdout: "usage:"},
		{name: "ls with nothing in the background", args: []string{"ls", "--config-dir", dir}, stdout: "no sessions run in the background"},
		{name: "ls json with nothing", args: []string{"ls", "--json", "--config-dir", dir}, stdout: `{"sessions":[]}`},
		{name: "stop with nothing in the background", args: []string{"stop", "--config-dir", dir}, stdout: "no sessions run in the background"},
		{name: "ls takes no arguments", args: []string{"ls", "main"}, code: 2, stderr: "ls takes no arguments"},
		{name: "stop takes one session", args: []string{"stop", "a", "b"}, code: 2, stderr: "at most one session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "hello\n", tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr %q", code, tc.code, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout %q, want %q in it", stdout, tc.stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q, want %q in it", stderr, tc.stderr)
			}
			if tc.oneErrLine && strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
		})
	}
}

func TestKeygenAndApprove(t *testing.T) {
	a := filepath.Join(t.TempDir(), "alice")
	b := filepath.Join(t.TempDir(), "bob")
	t.Setenv(keys.EnvConfigDir, a)
	code, pub, stderr := runCLI(t, "", "keygen")
	if code != 0 || !strings.HasPrefix(pub, "ssh-ed25519 ") || !strings.Contains(stderr, "created") {
		t.Fatalf("keygen: %d %q %q", code, pub, stderr)
	}
	code, again, stderr := runCLI(t, "", "keygen")
	if code != 0 || again != pub || stderr != "" {
		t.Fatalf("second keygen: %d %q %q, want the same key quietly", code, again, stderr)
	}
	entries, _ := keys.ParsePublicKeys("pub", []byte(pub))
	fp := entries[0].Fingerprint()

	// Bob approves Alice: from standard input, flags after the argument.
	code, out, stderr := runCLI(t, pub, "approve", "-", "--config-dir", b, "--read-only")
	if code != 0 || !strings.Contains(out, fp) || !strings.Contains(out, "view only") {
		t.Fatalf("approve -: %d %q %q", code, out, stderr)
	}
	approved := keys.NewApproved(filepath.Join(b, keys.ApprovedFile))
	if role, _, ok := approved.Lookup(entries[0].Key); !ok || role != keys.RoleView {
		t.Fatalf("approved: %v %v", role, ok)
	}
	// From a file, flags first: the role goes back to the host's default.
	file := filepath.Join(t.TempDir(), "alice.pub")
	os.WriteFile(file, []byte(pub), 0o644)
	if code, _, stderr := runCLI(t, "", "--config-dir", b, "approve", file); code != 0 {
		t.Fatalf("approve FILE: %d %q", code, stderr)
	}
	if role, _, ok := approved.Lookup(entries[0].Key); !ok || role != keys.RoleDefault {
		t.Fatalf("approved again: %v %v", role, ok)
	}
}

func TestParseAnswer(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "deny/default", true},
		{"o", "allow once/default", true},
		{"ov", "allow once/view", true},
		{" AT ", "always allow/type", true},
		{"d", "deny/default", true},
		{"x", "", false},
		{"ox", "", false},
	} {
		d, ok := parseAnswer(tc.in)
		if ok != tc.ok || (ok && d.Answer.String()+"/"+d.Role.String() != tc.want) {
			t.Errorf("parseAnswer(%q) = %v/%v, %v; want %s, %v", tc.in, d.Answer, d.Role, ok, tc.want, tc.ok)
		}
	}
}

func TestCommandLineSplitting(t *testing.T) {
	for in, want := range map[string]string{
		"tmux new -A -s pair": "tmux|new|-A|-s|pair",
		"vim -u NONE":         "vim|-u|NONE",
		"echo $HOME | wc":     "/bin/sh|-c|echo $HOME | wc",
		"sh -c 'exit 3'":      "/bin/sh|-c|sh -c 'exit 3'",
	} {
		if got := strings.Join(commandLine(in), "|"); got != want {
			t.Errorf("commandLine(%q) = %q, want %q", in, got, want)
		}
	}
}
