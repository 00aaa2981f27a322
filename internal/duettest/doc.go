// Package duettest is the test support every package of Duet shares, so that no test
// helper is copied between packages: deadlines and waits ([Timeout], [Poll], [Await]), an
// output collector to wait on ([Output]), keys and signers ([Signer], [KeyFile]), an
// in-process ssh-agent ([Agent]), a goroutine-leak check ([CheckGoroutines]), a TCP proxy
// the test controls ([Proxy]: cut, black-hole, refuse, record), a loopback server runner
// ([Serve]) and a loopback accept loop for hostile servers ([ServeConns]), a screen
// replay ([ScreenOf], [ScreenAndStatus]), a tmux window to run a partner's ssh in and
// read its screen ([RunInTmux]), partners from other loopback addresses
// ([DialFrom], [SSHClient]) and a process's memory and open files ([ProcessMemory],
// [OpenFiles]).
//
// It imports only terminal/vt of Duet's packages (so that every other package's own tests
// can use it), and only test code imports it.
package duettest
