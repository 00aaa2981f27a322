package urlscheme

import "testing"

// TestCommand: the program is quoted (paths with spaces) and the link is its one argument.
func TestCommand(t *testing.T) {
	if got, want := Command(`C:\Program Files\Duet\duet.exe`), `"C:\Program Files\Duet\duet.exe" "%1"`; got != want {
		t.Errorf("Command = %q, want %q", got, want)
	}
}
