// Package host is Duet's embedded SSH server ([Server]): it serves the sessions of a
// sessions.Registry to partners, each partner's channel one more sessions.Client.
//
// It owns what an SSH server decides: public-key authentication only (the key is only
// recorded during the handshake) with OpenSSH 9's algorithms less SHA-1
// (sessions/wire), approval after it (approved keys, or the host asked through an
// [ApproveFunc]: deny, allow once, always allow, each with a role, for exactly what was
// asked: one session, or the listing), what a channel may do (a terminal on a session;
// exec of ls, ls --json, who, who --json, chat and attach NAME; nothing else: no
// forwarding, agent, X11, env or subsystems), the partners and their roles
// ([Server.Partners], [Server.SetRole], [Server.Kick], [Server.Revoke]), and the limits.
//
// # Pairing
//
// Every attached channel has a goroutine that tells its partner what everyone in the
// session is told (pairing.go), at most every 250 ms: a Duet window that said hello gets
// pair messages (who is here, chat lines, points; wire.PairRequest) and sends its own,
// checked against its key's role; a terminal gets a status line on its bottom row
// (statusline.go; off with "+nostatus" after the session's name, or
// [Server.NoStatusLine]) and notices. With one driver at a time, a terminal's keys while
// another drives ask for control. who and ls --json list the participants (who.go); chat
// is a line-mode chat for a second terminal (chat.go).
//
// # Roles
//
// A role belongs to a key, not to a channel: the Server keeps one record per key
// (access.go) that every channel and connection of the key shares, and every channel's
// input checks it before a keystroke reaches a session. SetRole, Kick, Revoke and edits
// of approved_keys (watched every RecheckInterval, so duet approve and duet revoke in
// another process apply to live partners) change it at once for all of them; a saved
// key's role lives in approved_keys, one allowed once keeps its role (and is not asked
// about again) until the session it was allowed for ends or the host kicks or revokes
// it, so a reconnect comes back with it.
//
// # Limits
//
// Connections not approved yet wait in a bounded room (room.go): in all and per source
// address, each closed after LoginGraceTime unless it is waiting for an answer, and the
// oldest idle one gives way to a newcomer when the room is full; approved keys never
// wait there. Such a connection gets one channel, and what it sends is kept only up to
// a few KB. Questions to the host are bounded in all and per source address; the
// handshake is bounded in time; a session's partners and their terminal size are
// bounded. Partners are told what happens to their channel with a typed sessions/wire
// status and its sentence on standard error. [Listen] finds the port (2222, or the next
// free one).
//
// # Pacing
//
// A partner's channel pings the partner's client after output (wire.PingRequest; every
// SSH client answers once it has read what came before), and the session paces its
// output by the answers (the channel is a sessions.Link, pace.go); [Partner] has the
// round trip.
//
// # History and views
//
// A partner who joins gets the session's scrollback before the screen, as much as
// [Server.History] allows; a Duet partner says what it has (wire.HistoryRequest) and is
// told how far its output takes it (wire.MarkRequest), so a reconnect gets only what it
// missed. A partner whose terminal is smaller than the session (sessions.SizeHost) is
// told so (wire.View, and a notice) and a Duet one may move its view (wire.PanRequest).
//
// # Moving
//
// When the window quits keeping its sessions (sessions/background), [Server.Handover]
// stops the host as Shutdown does but tells partners wire.Moved, so that Duet partners
// reconnect by themselves (OpenSSH partners read that they should connect again), and
// [Server.Grants] / [Server.Restore] carry what was allowed once to the next host
// process, so that those partners are not asked about again.
//
// Package host uses sessions, sessions/wire, keys and internal/safetext; it never
// imports sessions/join or Fyne.
package host
