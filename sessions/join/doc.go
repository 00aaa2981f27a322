// Package join is Duet's SSH client: the joining side of a pairing.
//
// [ParseAddress] reads what a partner pastes (host, host:port, user@host:port,
// ssh://..., or a duet:// invite that pins the host key) and [Share] writes the join
// lines and invites of a listening host. [Dial] logs in to a Duet host or any SSH server
// with Duet's identity, the user's agent and ~/.ssh keys, checks the host key against
// known_hosts, and returns a [Conn]: the channel's output to read, input to write,
// resizes, the exit status, what a Duet host said about the channel (typed, from
// sessions/wire: waiting for approval, refused, ...), the round trip ([Conn.RTT]), and
// reconnection with backoff when the network (not the host) drops it. A Duet host's pings
// are answered once what came before them was read from the Conn, so whatever reads it is
// part of the way the host paces its output by, and nothing piles up in between. For a
// Duet window ([Config].Pair), it says hello to a Duet host, which then draws no status
// line, hands the window the host's pair messages (who is here, chat, points) and sends
// the window's own ([Conn.SendPair]).
//
// It speaks OpenSSH 9's algorithms less SHA-1 (sessions/wire), gives up on a server that
// does not complete the handshake in time (questions to the user apart), offers only the
// named key when there is one (OpenSSH's IdentitiesOnly), and shows what a server says
// (banners, refusals) escaped (internal/safetext).
//
// # Relaying
//
// A [Relay] makes a Duet host reachable through any SSH server the host can log in to:
// it asks the server for a remote forward (tcpip-forward) and hands each connection
// forwarded to it to the host (any [Server]: sessions/host's), as a direct one. The
// server carries the partner's SSH connection to the host as bytes it cannot read. The
// link is kept alive and made again with backoff; [RelayStatus] says where partners
// join, through the server as a jump ([Address].Jump) if its port listens on the
// server's loopback only.
//
// Package join uses sessions/wire, keys and internal/safetext; it never imports sessions/host, the PTY core
// (sessions) or Fyne.
package join
