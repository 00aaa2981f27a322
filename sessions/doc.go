// Package sessions is Duet's shared-terminal core: commands running in pseudo-terminals
// ([Session], kept in a [Registry]), the server-side screen model every byte of their output
// goes through, the fan-out of that output to attached clients ([Client]) with a bounded
// queue each, and the size policy. It knows nothing of SSH: sessions/host serves sessions
// to partners over SSH, each partner one more Client; the host's own window attaches a
// Client through a [Stream], the same code path.
//
// # Pseudo-terminals
//
// The session logic is the same everywhere; only the pseudo-terminal differs, behind a
// small interface (pty.go): a Unix pseudo-terminal (pty_unix.go), or on Windows a pseudo
// console, ConPTY (pty_windows.go), whose command runs in a job object so that closing the
// session ends everything it started. The default command is the user's login shell
// (shell_*.go): $SHELL or the account record's on Unix, PowerShell else cmd.exe on Windows.
//
// # Output to clients
//
// A client that attaches first gets a repaint of the current screen (from terminal/vt),
// then the live output, with nothing lost or doubled between the two: the PTY reader feeds
// the screen and queues output for every client under the session's lock, and a client is
// registered, and its repaint taken, under that same lock. Each client has a queue with a
// byte budget ([Options.QueueBytes]); the PTY reader never waits for a client. When a
// client's queue overflows, what it holds is dropped and the client gets a fresh repaint
// once its writer is ready again.
//
// A client whose output goes to a [Link] (an SSH channel whose partner acknowledges what
// it read) is paced: on a slow, distant link about two round trips' worth is on the way,
// and a client that cannot keep up gets the current screen (a repaint, then updates: a
// diff from what its terminal shows) instead of the backlog, until it can again.
//
// # What reaches clients' terminals
//
// Programs ask the terminal questions (device attributes, cursor position, mode state).
// The session's screen model answers those it knows, once, straight to the PTY. What is
// sent to clients goes through a filter (filter.go) that, as tmux does for its clients,
// lets nothing act on a client's terminal beyond the screen: every sequence that makes a
// terminal answer is removed (a partner's terminal would reply into the session, which a
// partner who may type could use to inject input), and so are clipboard writes (OSC 52),
// window operations, device control strings and the other operating system commands
// but titles (sanitised), hyperlinks, the working directory and prompt marks.
//
// # Size
//
// The PTY is as large as the smallest rows and the smallest columns among the attached
// clients that may type; view-only clients never shrink it. With no such client the size
// stays as it was. With the policy [SizeHost] it is the host's own clients' size instead,
// and a client whose terminal is smaller sees a viewport of the session that follows the
// cursor (terminal/vt's Viewport; [Client.Pan] moves it), drawn from the screen instead of
// the output.
//
// # History
//
// A client attaching gets the session's scrollback before its repaint, into its
// terminal's own scrollback ([AttachOptions].History), only what it lacks after a
// reconnect ([AttachOptions].Has, a [Mark]), never what scrolled past while sharing was
// paused.
//
// # Recording and the curtain
//
// A [Tap] (a recording, see sessions/record) observes a session: its output, its input
// with who typed it (never at a password prompt: line mode with echo off), resizes and
// marks. [Session.Pause] draws the privacy curtain: clients that are not the host's own
// ([AttachOptions].Host) see a curtain instead of the output and cannot type until
// [Session.Resume] repaints them. [Session.State] and [Session.Changed] tell the SSH host
// what to tell partners.
//
// # Moving between processes
//
// [Session.Move] takes a running session out of the process without ending its command:
// the read loop stops, the clients are told (ErrMoved), and the caller gets the
// terminal's master side, the command's process id, its scrollback and a repaint of the
// screen ([Moved]), to hand to another process, where [Registry.Adopt] takes it in. Unix only
// (move_unix.go): a Windows pseudo console cannot change process (ErrCannotMove). An
// adopted command is not the adopter's child: its end is seen when its terminal closes,
// without an exit status.
//
// Package sessions uses terminal/vt only; it never imports SSH, Fyne or any other
// package of Duet.
package sessions
