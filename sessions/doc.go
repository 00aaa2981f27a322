// Package sessions is Duet's shared-terminal core: commands running in pseudo-terminals
// ([Session], kept in a [Registry]), the server-side screen model every byte of their output
// goes through, the fan-out of that output to attached clients ([Client]) with a bounded
// queue each, the size policy, and the embedded SSH server that serves sessions to
// partners ([Host]).
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
// # Terminal queries
//
// Programs ask the terminal questions (device attributes, cursor position, mode state).
// The session's screen model answers those it knows, once, straight to the PTY; the same
// query sequences are removed from the output sent to clients, so a partner's own
// terminal (OpenSSH into xterm, say) does not answer them a second time. Queries the
// screen model does not answer (colours, window size, ...) are passed through: the
// terminals of clients that may type answer them, one reply per such client.
//
// # Size
//
// The PTY is as large as the smallest rows and the smallest columns among the attached
// clients that may type; view-only clients never shrink it. With no such client the size
// stays as it was.
//
// # Joining
//
// The other end: [ParseAddress] reads what a partner pastes (host, host:port,
// user@host:port, ssh://..., or a duet:// invite that pins the host key), and [Dial] logs in
// to a Duet host or any SSH server with Duet's identity, the user's agent and ~/.ssh keys,
// checks the host key against known_hosts, and returns a [Conn]: the channel's output to
// read, input to write, resizes, the exit status, and reconnection with backoff when the
// network (not the host) drops it.
//
// # Relaying
//
// A [Relay] makes a [Host] reachable through any SSH server the host can log in to: it
// asks the server for a remote forward (tcpip-forward) and serves each connection
// forwarded to it with the Host, as a direct one. The server carries the partner's SSH
// connection to the Host as bytes it cannot read. The link is kept alive and made again
// with backoff; [RelayStatus] says where partners join, through the server as a jump
// ([Address].Jump) if its port listens on the server's loopback only.
//
// Package sessions uses terminal/vt and keys; it never imports Fyne or any other package
// of Duet.
package sessions
