package main

import (
	"os"

	"golang.org/x/term"
)

// isTerminal reports whether f is a terminal: then `duet host` asks about unknown keys.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
