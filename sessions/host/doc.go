// Package host is Duet's embedded SSH server ([Server]): it serves the sessions of a
// sessions.Registry to partners, each partner's channel one more sessions.Client.
//
// It owns what an SSH server decides: public-key authentication only (the key is only
// recorded during the handshake), approval after it (approved keys, or the host asked
// through an [ApproveFunc]: deny, allow once, always allow, each with a role), what a
// channel may do (a terminal on a session; exec of ls, ls --json and attach NAME;
// nothing else: no forwarding, agent, X11, env or subsystems), the partners and their
// roles ([Server.Partners], [Server.SetRole], [Server.Kick], [Server.Revoke]), and the
// limits (handshake timeout, connections in the handshake per source, approvals
// pending, partners per session). Partners are told what happens to their channel with
// a typed sessions/wire status and its sentence on standard error. [Listen] finds the
// port (2222, or the next free one).
//
// Package host uses sessions, sessions/wire and keys; it never imports sessions/join or
// Fyne.
package host
