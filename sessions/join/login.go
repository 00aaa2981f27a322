package join

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/wire"
)

// login is how Duet logs in to an SSH server, shared by a partner joining ([Conn]) and a
// host registering a forward on a relay ([Relay]): the TCP connection, the handshake with
// the host key checked against known_hosts (or an invite's pin), and the keys offered.
type login struct {
	addr    Address
	store   *keys.Store
	ids     *identities
	confirm keys.ConfirmHostFunc // asked about an unknown host, on the first connection only
	// replace is asked whether the key an invite pins replaces another one on file for
	// the host, on the first connection only; nil refuses.
	replace func(*keys.HostKeyError) error
	timeout time.Duration // bounds the TCP connect
	// handshake bounds the SSH handshake and setup, questions to the user apart; 0
	// means DefaultHandshakeTimeout.
	handshake time.Duration
	banner    func(string) // receives the server's banner; may be nil
	prompt    PromptFunc   // asks what a server asks (a password, a code); nil: nobody to ask
	log       *slog.Logger
	what      string // what the login is for, as errors say it: "join", "relay"
	jump      *login // the server to connect through, as ssh -J; nil to connect directly
}

// session is one SSH connection made by a login.
type session struct {
	client  *ssh.Client
	nc      *trackedConn
	hostKey ssh.PublicKey
}

// dial logs in, then runs setup on the new client (opening a channel, asking for a
// forward); ctx bounds both. first says whether the user may be asked about an unknown
// host. If the user took so long to decide that the server gave up meanwhile, it tries
// once more, without asking: the key is saved by then. On error no connection is left.
func (lg *login) dial(ctx context.Context, first bool, setup func(*ssh.Client) error) (*session, error) {
	s, asked, err := lg.dialOnce(ctx, first, setup)
	if err != nil && asked && !isFinal(err) && ctx.Err() == nil {
		lg.log.Info("connecting again after the host key question", "err", err)
		s, _, err = lg.dialOnce(ctx, false, setup)
	}
	return s, err
}

func (lg *login) dialOnce(ctx context.Context, first bool, setup func(*ssh.Client) error) (s *session, asked bool, err error) {
	hostport := lg.addr.HostPort()
	var nc net.Conn
	if lg.jump != nil {
		nc, err = lg.jump.tunnel(ctx, first, hostport)
		if err != nil {
			return nil, false, err
		}
	} else {
		d := net.Dialer{Timeout: orDefault(lg.timeout, DefaultDialTimeout)}
		nc, err = d.DialContext(ctx, "tcp", hostport)
		if err != nil {
			return nil, false, fmt.Errorf("connect to %s: %w", hostport, err)
		}
	}
	tc := &trackedConn{Conn: nc}
	// ctx and the handshake clock bound the handshake and the setup; closing the
	// connection is the only way to stop them.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	var timedOut atomic.Bool
	clock := startClock(orDefault(lg.handshake, DefaultHandshakeTimeout), func() {
		timedOut.Store(true)
		nc.Close()
	})
	defer clock.stop()
	lg.ids.clock.Store(clock) // a passphrase question stops it
	defer lg.ids.clock.CompareAndSwap(clock, nil)
	defer func() {
		if !stop() && err == nil { // ctx ended just as we succeeded
			s.client.Close()
			s, err = nil, fmt.Errorf("%s %s: %w", lg.what, lg.addr, ctx.Err())
		}
	}()

	o := lg.ids.signers(lg.log.Debug)
	defer o.close()
	auth := &authState{server: lg.addr.String(), prompt: lg.prompter(clock)}
	var hostKey ssh.PublicKey
	var hostKeyErr error // what the host key check said, if it refused
	known := lg.store.KnownHosts()
	conf := &ssh.ClientConfig{
		User:         lg.addr.User,
		Auth:         auth.methods(func() ([]ssh.Signer, error) { return o.signers, nil }),
		AuthCallback: auth.callback,
		HostKeyCallback: func(host string, remote net.Addr, key ssh.PublicKey) error {
			hostKey = key
			if lg.jump != nil {
				remote = nil // a tunnel has no address of its own
			}
			resume := clock.pause() // the user may be asked
			hostKeyErr = lg.checkHostKey(known, host, remote, key, first, &asked)
			resume()
			return hostKeyErr
		},
		HostKeyAlgorithms: hostKeyAlgorithms(known.HostKeyAlgorithms(hostport)),
		Config:            wire.SSHConfig(),
		BannerCallback: func(msg string) error {
			if lg.banner != nil {
				lg.banner(msg)
			}
			return nil
		},
		ClientVersion: wire.ClientVersion,
	}
	sc, chans, reqs, err := ssh.NewClientConn(tc, hostport, conf)
	if err != nil {
		nc.Close()
		if ctx.Err() != nil {
			return nil, asked, fmt.Errorf("%s %s: %w", lg.what, lg.addr, ctx.Err())
		}
		if hostKeyErr != nil {
			return nil, asked, hostKeyErr
		}
		if timedOut.Load() {
			return nil, asked, lg.timeoutError()
		}
		return nil, asked, lg.handshakeError(err, o, auth)
	}
	client := ssh.NewClient(sc, chans, reqs)
	if setup != nil {
		if err := setup(client); err != nil {
			client.Close()
			switch {
			case ctx.Err() != nil && !isFinal(err):
				err = fmt.Errorf("%s %s: %w", lg.what, lg.addr, ctx.Err())
			case timedOut.Load() && !isFinal(err):
				err = lg.timeoutError()
			}
			return nil, asked, err
		}
	}
	lg.log.Info("connected", "host_fp", keys.Fingerprint(hostKey), "server", string(sc.ServerVersion()))
	return &session{client: client, nc: tc, hostKey: hostKey}, asked, nil
}

// prompter returns the login's PromptFunc, with the handshake clock stopped while the
// user answers; nil if there is nobody to ask.
func (lg *login) prompter(clock *handshakeClock) PromptFunc {
	if lg.prompt == nil {
		return nil
	}
	return func(p Prompt) ([]string, error) {
		defer clock.pause()()
		return lg.prompt(p)
	}
}

// hostKeyAlgorithms keeps of want (the known key's algorithms first; nil: no
// preference) those Duet accepts: no ssh-rsa (SHA-1) and no DSA, as OpenSSH 9.
func hostKeyAlgorithms(want []string) []string {
	allowed := wire.PublicKeyAlgorithms()
	if len(want) == 0 {
		return allowed
	}
	var out []string
	for _, a := range want {
		if slices.Contains(allowed, a) {
			out = append(out, a)
		}
	}
	return out
}

// tunnel logs in to the jump server and connects from there to hostport, as ssh -J
// does. Closing the connection returned logs out of the jump server.
func (lg *login) tunnel(ctx context.Context, first bool, hostport string) (net.Conn, error) {
	js, err := lg.dial(ctx, first, nil)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { js.client.Close() })
	nc, err := js.client.Dial("tcp", hostport)
	if !stop() && err == nil {
		nc.Close()
		err = ctx.Err()
	}
	if err != nil {
		js.client.Close()
		return nil, fmt.Errorf("connect to %s through %s: %w", hostport, lg.addr.HostPort(), err)
	}
	return &tunnelConn{Conn: nc, jump: js.client}, nil
}

// tunnelConn is a connection made through a jump server.
type tunnelConn struct {
	net.Conn
	jump *ssh.Client
}

func (c *tunnelConn) Close() error {
	err := c.Conn.Close()
	c.jump.Close()
	return err
}

// checkHostKey accepts the host's key if the invite pins it or known_hosts has it; an
// unknown host is asked about (on the first connection) and saved if trusted, and so is
// an invite's pinned key that differs from the one on file.
func (lg *login) checkHostKey(known *keys.KnownHosts, host string, remote net.Addr, key ssh.PublicKey, first bool, asked *bool) error {
	if pin := lg.addr.HostKey; pin != "" {
		if fp := keys.Fingerprint(key); fp != pin {
			return &PinError{Host: host, Pinned: pin, Offered: fp}
		}
		err := known.Check(host, remote, key)
		var he *keys.HostKeyError
		switch {
		case errors.Is(err, keys.ErrUnknownHost):
			err = known.Add(host, key)
		case errors.Is(err, keys.ErrHostKeyChanged) && errors.As(err, &he) && first && lg.replace != nil:
			*asked = true
			if rerr := lg.replace(he); rerr != nil {
				return fmt.Errorf("%w: %w", err, rerr)
			}
			err = known.Replace(host, key)
		}
		return err
	}
	var confirm keys.ConfirmHostFunc
	if first && lg.confirm != nil {
		confirm = func(h string, k ssh.PublicKey) error {
			*asked = true
			if err := lg.confirm(h, k); err != nil {
				return fmt.Errorf("%w: %w", &keys.HostKeyError{Host: h, Key: k}, err)
			}
			return nil
		}
	}
	return known.HostKeyCallback(confirm)(host, remote, key)
}

// timeoutError says that the server did not complete the handshake in time.
func (lg *login) timeoutError() error {
	return fmt.Errorf("%s %s: %w", lg.what, lg.addr, &HandshakeTimeoutError{Addr: lg.addr.HostPort(), After: orDefault(lg.handshake, DefaultHandshakeTimeout)})
}

// handshakeError turns a failed handshake (past the host key) into the error a user can
// act on.
func (lg *login) handshakeError(err error, o *offered, auth *authState) error {
	if strings.Contains(err.Error(), "unable to authenticate") || errors.Is(err, errNoPrompt) {
		ae := &AuthError{Addr: lg.addr, Offered: o.labels}
		auth.fill(ae)
		if lg.ids.duet != nil && ae.KeysRefused() {
			ae.DuetKey = lg.ids.duet.AuthorizedKey()
		}
		return ae
	}
	return fmt.Errorf("%s %s: %w", lg.what, lg.addr, err)
}

// isFinal reports whether err means trying again cannot help: the host key, the keys
// or the session were refused.
func isFinal(err error) bool {
	var he *keys.HostKeyError
	var pe *PinError
	var ae *AuthError
	var re *RefusedError
	return errors.As(err, &he) || errors.As(err, &pe) || errors.As(err, &ae) || errors.As(err, &re)
}

// identityOptions say which keys a login offers; see the fields of [Config].
type identityOptions struct {
	store       *keys.Store
	file        string
	noUserKeys  bool
	sshDir      string
	agentSocket string
	passphrase  keys.PassphraseFunc
}

// identities are the keys a login offers, loaded once so that a passphrase is asked at
// most once per Conn or Relay, also across reconnects.
type identities struct {
	clock    atomic.Pointer[handshakeClock] // of the login under way: stopped while asking
	duet     *keys.Key                      // Duet's identity; nil with IdentityFile
	file     []ssh.Signer                   // IdentityFile, or the user's ~/.ssh keys
	fileName map[string]string
	agent    string  // ssh-agent socket; "" for none
	only     string  // with IdentityFile: its fingerprint, the one key offered
	problems []error // keys that could not be used
}

func loadIdentities(opt identityOptions) (*identities, error) {
	ids := &identities{fileName: make(map[string]string)}
	if ask := opt.passphrase; ask != nil {
		opt.passphrase = func(path string) ([]byte, error) {
			defer ids.clock.Load().pause()()
			return ask(path)
		}
	}
	if opt.file != "" {
		// That key only, as OpenSSH's IdentitiesOnly: from the ssh-agent if it holds
		// it (no passphrase to ask), else from the file. No other key is offered.
		s, err := keys.LoadSigner(opt.file, opt.passphrase)
		if err != nil {
			return nil, err
		}
		ids.file = []ssh.Signer{s}
		ids.only = keys.Fingerprint(s.PublicKey())
		ids.fileName[ids.only] = opt.file
		ids.agent = opt.agentSocket
		if ids.agent == "" && !opt.noUserKeys {
			ids.agent = keys.DefaultAgentSocket()
		}
		return ids, nil
	}
	duet, err := opt.store.LoadOrCreateIdentity()
	if err != nil {
		return nil, err
	}
	ids.duet = duet
	if opt.noUserKeys {
		return ids, nil
	}
	ids.agent = opt.agentSocket
	if ids.agent == "" {
		ids.agent = keys.DefaultAgentSocket()
	}
	dir := opt.sshDir
	if dir == "" {
		dir = keys.DefaultSSHDir()
	}
	if dir != "" {
		ids.file, ids.problems = keys.UserSigners(dir, opt.passphrase)
		for _, s := range ids.file {
			ids.fileName[keys.Fingerprint(s.PublicKey())] = "a key in " + dir
		}
	}
	return ids, nil
}

// offered is the keys offered to one server, with what to call each.
type offered struct {
	signers []ssh.Signer
	labels  []string
	closer  io.Closer // the ssh-agent connection, or nil
}

// signers returns the keys to offer now: Duet's, then the agent's, then the files'; a
// key is offered once. Close the result's closer after the handshake.
func (ids *identities) signers(log func(msg string, args ...any)) *offered {
	o := &offered{}
	seen := make(map[string]bool)
	add := func(s ssh.Signer, label string) {
		ss := safeSigners(s)
		if len(ss) == 0 {
			log("key not offered: DSA", "key", label)
			return
		}
		fp := keys.Fingerprint(s.PublicKey())
		if !seen[fp] {
			seen[fp] = true
			o.signers = append(o.signers, ss...)
			o.labels = append(o.labels, fp+" ("+label+")")
		}
	}
	if ids.duet != nil {
		add(ids.duet.Signer, "Duet key")
	}
	if ids.agent != "" {
		agentSigners, closer, err := keys.AgentSigners(ids.agent)
		if err != nil {
			log("ssh-agent not used", "err", err)
		} else {
			o.closer = closer
			for _, s := range agentSigners {
				if ids.only == "" || keys.Fingerprint(s.PublicKey()) == ids.only {
					add(s, "ssh-agent")
				}
			}
		}
	}
	for _, s := range ids.file {
		add(s, ids.fileName[keys.Fingerprint(s.PublicKey())])
	}
	return o
}

// safeSigners returns s restricted to the signatures Duet makes: an RSA key signs with
// SHA-2 only (never ssh-rsa, even to a server that does not say what it takes), as
// rsa-sha2-512 or rsa-sha2-256, whichever the server lists first, and then once more as
// rsa-sha2-256 only, for servers that list both but take only that one (as OpenSSH
// tries both). A DSA key is not used at all (none returned).
func safeSigners(s ssh.Signer) []ssh.Signer {
	if !wire.KeyTypeAllowed(s.PublicKey().Type()) {
		return nil
	}
	if s.PublicKey().Type() != ssh.KeyAlgoRSA {
		return []ssh.Signer{s}
	}
	as, ok := s.(ssh.AlgorithmSigner)
	if !ok {
		return nil
	}
	var out []ssh.Signer
	for _, algs := range [][]string{{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}, {ssh.KeyAlgoRSASHA256}} {
		if rs, err := ssh.NewSignerWithAlgorithms(as, algs); err == nil {
			out = append(out, rs)
		}
	}
	return out
}

func (o *offered) close() {
	if o.closer != nil {
		o.closer.Close()
	}
}

// keepAlive asks the server every interval whether it is there, and cuts nc if it does
// not answer within two intervals, so that whatever reads from it sees the drop (an
// interval of 0 never cuts). With rtt set it also measures the round trip: it asks at
// once, then at least every rttProbe, and tells rtt each answer's. It returns when quit
// is closed or the connection is gone.
func keepAlive(conn ssh.Conn, nc net.Conn, interval time.Duration, quit <-chan struct{}, rtt func(time.Duration)) {
	every, first := interval, interval
	if rtt != nil {
		every, first = rttProbe, 0
		if interval > 0 {
			every = min(interval, rttProbe)
		}
	}
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case <-t.C:
		}
		var cut *time.Timer
		if interval > 0 {
			cut = time.AfterFunc(2*interval, func() { nc.Close() })
		}
		t0 := time.Now()
		_, _, err := conn.SendRequest("keepalive@openssh.com", true, nil)
		if cut != nil {
			cut.Stop()
		}
		if err != nil {
			return
		}
		if rtt != nil {
			rtt(time.Since(t0))
		}
		t.Reset(every)
	}
}
