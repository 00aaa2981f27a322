package background

import (
	"os"

	"github.com/duetpair/duet/sessions"
)

// Supported reports whether sessions can outlive the window on this system: not on
// Windows, where a pseudo console cannot change process.
const Supported = false

// BackgroundFlag: see the Unix build; `duet host` refuses it on Windows.
const BackgroundFlag = "--background"

// Taken: see the Unix build.
type Taken struct{ *Handoff }

// Done does nothing on Windows.
func (t *Taken) Done(error) {}

// List: no background hosts on Windows.
func List(dir string) (*Listing, error) { return nil, ErrNone }

// Stop: no background hosts on Windows.
func Stop(dir, name string) error { return ErrNone }

// Take: no background hosts on Windows.
func Take(dir string) (*Taken, error) { return nil, ErrNone }

// Start fails on Windows.
func Start(exe, dir string, env []string, ho *Handoff) (*os.Process, error) {
	return nil, sessions.ErrCannotMove
}

// ReadHandoff fails on Windows.
func ReadHandoff(stdin *os.File) (*Handoff, error) { return nil, sessions.ErrCannotMove }

// Run fails on Windows.
func Run(cfg Config) error { return sessions.ErrCannotMove }
