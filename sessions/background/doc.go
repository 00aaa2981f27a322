// Package background keeps a host's sessions running without its window: the window
// hands its sessions, its listener and what it allowed once to a background duet host
// process it starts ([Start]), and takes them back when it opens again ([Take]); `duet ls`
// and `duet stop` ask the background host ([List], [Stop]).
//
// # What moves
//
// A [Handoff]: the listening socket (so partners find the same address, and connections
// that arrive during the move wait in its queue), every session's pseudo-terminal master
// with its command's process id, its scrollback and a repaint of its screen
// ([sessions.Moved]), and the keys allowed once ([host.Grant]). The commands go on
// running in their terminals throughout: nothing is restarted. Live SSH connections
// cannot move (their keys are the process's), so partners are told [wire.Moved] and
// reconnect: `duet join` and the window do it by themselves, OpenSSH partners run ssh
// again, and are let in without a question (approved keys as before, keys allowed once
// by the grants).
//
// The window passes the files to the process it starts (inherited descriptors, the rest
// as JSON on its standard input). The background host listens on a Unix socket in the
// config dir (background.sock, mode 0600 in the 0700 dir: only the user reaches it); a
// window that opens takes the sessions back through it (the files travel as SCM_RIGHTS),
// and answers when it has adopted them: until then the background host keeps its copies
// and serves them again if the window fails. The background host ends when its last
// session ends, on [Stop], or once the sessions were taken.
//
// A background host cannot ask about unknown keys (nobody is at a window): it refuses
// them. An adopted command is not the background host's child, so its exit status is
// not known (sessions.Registry.Adopt).
//
// # Systems
//
// Unix only: a Windows pseudo console belongs to the process that made it and cannot
// move ([Supported] is false there; quitting the window ends its sessions).
package background
