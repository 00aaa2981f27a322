package sessions

// ptyProcess is a command running in a pseudo-terminal: all the session core needs of it,
// on every system. pty_unix.go implements it with a Unix pseudo-terminal, pty_windows.go
// with a Windows pseudo console (ConPTY).
type ptyProcess interface {
	// Read reads the command's output. Once the terminal is gone (the command and
	// everything that held the terminal ended, or Close was called) it returns io.EOF or
	// an error isPTYClosed accepts.
	Read(p []byte) (int, error)
	// Write sends keystrokes to the command.
	Write(p []byte) (int, error)
	// Resize sets the terminal's size; the command is told (SIGWINCH, or the console's
	// buffer-size event).
	Resize(cols, rows int) error
	// Wait waits for the command to exit and says how it ended. It is called once.
	Wait() Exit
	// Hangup asks the command to end, as a terminal that goes away does: SIGHUP to its
	// process group, or the console's close event. It may be called at any time, also
	// after the command ended.
	Hangup()
	// Kill ends the command, and what it started in the terminal, at once.
	Kill()
	// Close closes the terminal: a blocked Read returns. It is called after Wait, maybe
	// more than once.
	Close() error
	// Pid returns the command's process id.
	Pid() int
	// Recordable reports whether what is typed now may be recorded: not at a password
	// prompt (line mode with echo off). False where the terminal's modes cannot be read.
	Recordable() bool
}
