//go:build !windows

package main

// leaveOwnConsole does nothing: only Windows opens a console for a program started from
// the desktop.
func leaveOwnConsole() {}
