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

// TestDependencyDirection enforces SPEC section 2: terminal/vt and keys are leaves, sessions
// uses only them, and none of the three imports Fyne.
func TestDependencyDirection(t *testing.T) {
	g := depGraph(t)
	for _, tc := range []struct {
		pkg    string
		mayUse []string // packages of ours it may depend on
	}{
		{pkg: "terminal/vt"},
		{pkg: "keys"},
		{pkg: "sessions", mayUse: []string{"terminal/vt", "keys"}},
		{pkg: "terminal", mayUse: []string{"terminal/vt", "sessions", "keys"}},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			deps, ok := g[tc.pkg]
			if !ok {
				t.Skipf("package %s does not exist yet", tc.pkg)
			}
			for _, d := range deps {
				if strings.HasPrefix(d, "fyne.io/") && tc.pkg != "terminal" {
					t.Errorf("%s depends on %s: Fyne belongs in terminal, app and cmd only", tc.pkg, d)
				}
			}
			for _, rel := range ours(deps) {
				if !under(rel, tc.mayUse...) && !under(rel, "internal") {
					t.Errorf("%s depends on %s, against the dependency direction", tc.pkg, rel)
				}
			}
		})
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
