package keys

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

func TestDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes")
	}
	for _, tc := range []struct {
		name     string
		override string // relative to the test's temp dir; "" for none
		env      string // likewise
		want     string // likewise
		existing os.FileMode
		wantMode os.FileMode
	}{
		{name: "override", override: "flag/duet", env: "env", want: "flag/duet", wantMode: 0o700},
		{name: "env", env: "env/duet", want: "env/duet", wantMode: 0o700},
		{name: "default", want: "xdg/duet", wantMode: 0o700},
		{name: "default tightened", want: "xdg/duet", existing: 0o755, wantMode: 0o700},
		{name: "override kept", override: "mine", want: "mine", existing: 0o750, wantMode: 0o750},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := duettest.TempDir(t)
			abs := func(p string) string {
				if p == "" {
					return ""
				}
				return filepath.Join(tmp, p)
			}
			t.Setenv(EnvConfigDir, abs(tc.env))
			t.Setenv("XDG_CONFIG_HOME", abs("xdg"))
			t.Setenv("HOME", abs("home")) // macOS: ~/Library/Application Support
			want := abs(tc.want)
			if runtime.GOOS == "darwin" && tc.override == "" && tc.env == "" {
				want = abs("home/Library/Application Support/duet")
			}
			if tc.existing != 0 {
				if err := os.MkdirAll(want, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(want, tc.existing); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Dir(abs(tc.override))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("Dir = %q, want %q", got, want)
			}
			if m := mode(t, got); m != tc.wantMode {
				t.Errorf("mode = %o, want %o", m, tc.wantMode)
			}
		})
	}
}

func TestDirRelativeOverrideIsAbsolute(t *testing.T) {
	t.Chdir(duettest.TempDir(t))
	got, err := Dir("cfg")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(got) || filepath.Base(got) != "cfg" {
		t.Errorf("Dir(cfg) = %q, want an absolute path ending in cfg", got)
	}
}

func TestDirNotADirectory(t *testing.T) {
	file := filepath.Join(duettest.TempDir(t), "file")
	writeFile(t, file, "x")
	if _, err := Dir(file); err == nil {
		t.Error("Dir on a file: no error")
	}
}
