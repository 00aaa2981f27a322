package layout

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/duetpair/duet"

// depGraph maps every package of the module (relative path) to all packages it imports,
// directly or not.
func depGraph(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	g := make(map[string][]string)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")
		g[rel] = f[1:]
	}
	return g
}

// ours lists the packages of this module among deps, as paths relative to the module.
func ours(deps []string) []string {
	var r []string
	for _, d := range deps {
		if strings.HasPrefix(d, module+"/") {
			r = append(r, strings.TrimPrefix(d, module+"/"))
		}
	}
	return r
}

func under(rel string, roots ...string) bool {
	for _, r := range roots {
		if rel == r || strings.HasPrefix(rel, r+"/") {
			return true
		}
	}
	return false
}

// TestDependencyDirection enforces SPEC section 2 and ARCHITECTURE.md: terminal/vt, keys
// and internal/safetext (escaping text from the other side) are leaves; the PTY core (sessions) uses only terminal/vt; the SSH host uses the core,
// wire and keys; the SSH client (join) uses wire and keys but neither the host nor the
// core; the widget uses only terminal/vt; and nothing below terminal imports Fyne.
func TestDependencyDirection(t *testing.T) {
	g := depGraph(t)
	for _, tc := range []struct {
		pkg    string
		mayUse []string // packages of ours it may depend on
		noSSH  bool     // may not depend on any SSH package
	}{
		{pkg: "terminal/vt", noSSH: true},
		{pkg: "keys"},
		{pkg: "sessions", mayUse: []string{"terminal/vt"}, noSSH: true},
		{pkg: "internal/safetext", noSSH: true},
		{pkg: "sessions/wire", mayUse: []string{"internal/safetext"}},
		{pkg: "sessions/host", mayUse: []string{"sessions", "sessions/wire", "terminal/vt", "keys", "internal/safetext"}},
		{pkg: "sessions/join", mayUse: []string{"sessions/wire", "keys", "internal/safetext"}},
		{pkg: "sessions/record", mayUse: []string{"sessions", "terminal/vt", "keys"}},
		{pkg: "sessions/background", mayUse: []string{"sessions", "sessions/host", "sessions/wire", "terminal/vt", "keys", "internal/safetext"}},
		{pkg: "terminal", mayUse: []string{"terminal/vt"}, noSSH: true},
		{pkg: "internal/duettest", mayUse: []string{"terminal/vt"}},
		{pkg: "internal/winetest", noSSH: true},  // drives duet.exe from outside
		{pkg: "internal/urlscheme", noSSH: true}, // the desktop's duet:// handler
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			deps, ok := g[tc.pkg]
			if !ok {
				t.Fatalf("package %s does not exist", tc.pkg)
			}
			for _, d := range deps {
				if strings.HasPrefix(d, "fyne.io/") && tc.pkg != "terminal" {
					t.Errorf("%s depends on %s: Fyne belongs in terminal, app and cmd only", tc.pkg, d)
				}
				if tc.noSSH && strings.HasPrefix(d, "golang.org/x/crypto/ssh") {
					t.Errorf("%s depends on %s: SSH belongs in sessions/host, sessions/join and keys", tc.pkg, d)
				}
			}
			for _, rel := range ours(deps) {
				if !under(rel, tc.mayUse...) && !under(rel, "internal/flood") {
					t.Errorf("%s depends on %s, against the dependency direction", tc.pkg, rel)
				}
			}
		})
	}
}

// TestEveryPackageHasARule fails when a package is added without saying where it sits:
// a new package gets a row in TestDependencyDirection (or is a binary or test support).
func TestEveryPackageHasARule(t *testing.T) {
	known := map[string]bool{
		"terminal/vt": true, "keys": true, "sessions": true, "sessions/wire": true,
		"sessions/host": true, "sessions/join": true, "sessions/record": true, "sessions/background": true, "terminal": true, "app": true,
		"assets": true, "internal/duettest": true, "internal/sshdtest": true,
		"internal/flood": true, "internal/layout": true, "internal/winetest": true, "internal/safetext": true,
		"internal/urlscheme": true,
	}
	for pkg := range depGraph(t) {
		if !known[pkg] && !under(pkg, "cmd") {
			t.Errorf("package %s has no place in the dependency rules (internal/layout)", pkg)
		}
	}
}

// TestTestSupportOnlyInTests keeps the shared test support out of what ships.
func TestTestSupportOnlyInTests(t *testing.T) {
	for pkg, deps := range depGraph(t) {
		if under(pkg, "internal/duettest", "internal/sshdtest") {
			continue
		}
		for _, rel := range ours(deps) {
			if under(rel, "internal/duettest", "internal/sshdtest") {
				t.Errorf("%s depends on %s: test support is for tests only", pkg, rel)
			}
		}
	}
}

// TestGLDriverOnlyInCmd keeps Fyne's app package (and with it the cgo GL driver, a three
// minute cold build) out of every package but the binary, so their tests build in seconds.
func TestGLDriverOnlyInCmd(t *testing.T) {
	for pkg, deps := range depGraph(t) {
		if under(pkg, "cmd") {
			continue
		}
		for _, d := range deps {
			if d == "fyne.io/fyne/v2/app" || strings.HasPrefix(d, "fyne.io/fyne/v2/internal/driver/glfw") {
				t.Errorf("%s depends on %s: only cmd/duet may pull in the GL driver", pkg, d)
			}
		}
	}
}
