package sessions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
)

// clientVersion is the SSH version string Duet joins with.
const clientVersion = "SSH-2.0-Duet"

// identities are the keys a Conn offers, loaded once so that a passphrase is asked at
// most once per Conn, also across reconnects.
type identities struct {
	duet     *keys.Key    // Duet's identity; nil with IdentityFile
	file     []ssh.Signer // IdentityFile, or the user's ~/.ssh keys
	fileName map[string]string
	agent    string  // ssh-agent socket; "" for none
	problems []error // keys that could not be used
}

func loadIdentities(cfg JoinConfig) (*identities, error) {
	ids := &identities{fileName: make(map[string]string)}
	if cfg.IdentityFile != "" {
		s, err := keys.LoadSigner(cfg.IdentityFile, cfg.Passphrase)
		if err != nil {
			return nil, fmt.Errorf("join: %w", err)
		}
		ids.file = []ssh.Signer{s}
		ids.fileName[keys.Fingerprint(s.PublicKey())] = cfg.IdentityFile
		return ids, nil
	}
	duet, err := cfg.Store.LoadOrCreateIdentity()
	if err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	ids.duet = duet
	if cfg.NoUserKeys {
		return ids, nil
	}
	ids.agent = cfg.AgentSocket
	if ids.agent == "" {
		ids.agent = keys.DefaultAgentSocket()
	}
	dir := cfg.SSHDir
	if dir == "" {
		dir = keys.DefaultSSHDir()
	}
	if dir != "" {
		ids.file, ids.problems = keys.UserSigners(dir, cfg.Passphrase)
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
		fp := keys.Fingerprint(s.PublicKey())
		if !seen[fp] {
			seen[fp] = true
			o.signers = append(o.signers, s)
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
				add(s, "ssh-agent")
			}
		}
	}
	for _, s := range ids.file {
		add(s, ids.fileName[keys.Fingerprint(s.PublicKey())])
	}
	return o
}

func (o *offered) close() {
	if o.closer != nil {
		o.closer.Close()
	}
}

// connect makes one connection: TCP, handshake with the host key checked, the keys
// offered, and the session channel opened. first says whether this is Dial's connection,
// which may ask the user about an unknown host.
func (c *Conn) connect(ctx context.Context, first bool) (*link, error) {
	l, asked, err := c.connectOnce(ctx, first)
	if err != nil && asked && !isFinal(err) && ctx.Err() == nil {
		// The user took long to decide about the host key and the server gave up
		// meanwhile; the key is saved now, so try once more without asking.
		c.log.Info("connecting again after the host key question", "err", err)
		l, _, err = c.connectOnce(ctx, false)
	}
	return l, err
}

func (c *Conn) connectOnce(ctx context.Context, first bool) (l *link, asked bool, err error) {
	hostport := c.addr.HostPort()
	d := net.Dialer{Timeout: orDefault(c.cfg.DialTimeout, DefaultDialTimeout)}
	nc, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, false, fmt.Errorf("connect to %s: %w", hostport, err)
	}
	tc := &trackedConn{Conn: nc}
	// ctx bounds the handshake and the opening of the channel; closing the connection
	// is the only way to stop them.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer func() {
		if !stop() && err == nil { // ctx ended just as we succeeded
			l.client.Close()
			l, err = nil, fmt.Errorf("join %s: %w", c.addr, ctx.Err())
		}
	}()

	o := c.ids.signers(c.log.Debug)
	defer o.close()
	var hostKey ssh.PublicKey
	var hostKeyErr error // what the host key check said, if it refused
	known := c.cfg.Store.KnownHosts()
	conf := &ssh.ClientConfig{
		User: c.addr.User,
		Auth: []ssh.AuthMethod{ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
			return o.signers, nil
		})},
		HostKeyCallback: func(host string, remote net.Addr, key ssh.PublicKey) error {
			hostKey = key
			hostKeyErr = c.checkHostKey(known, host, remote, key, first, &asked)
			return hostKeyErr
		},
		HostKeyAlgorithms: known.HostKeyAlgorithms(hostport),
		BannerCallback: func(msg string) error {
			c.notify(JoinStatus{State: JoinBanner, Text: msg})
			return nil
		},
		ClientVersion: clientVersion,
	}
	sc, chans, reqs, err := ssh.NewClientConn(tc, hostport, conf)
	if err != nil {
		nc.Close()
		if ctx.Err() != nil {
			return nil, asked, fmt.Errorf("join %s: %w", c.addr, ctx.Err())
		}
		if hostKeyErr != nil {
			return nil, asked, hostKeyErr
		}
		return nil, asked, c.handshakeError(err, o)
	}
	client := ssh.NewClient(sc, chans, reqs)
	ch, chReqs, err := client.OpenChannel("session", nil)
	if err != nil {
		client.Close()
		var oce *ssh.OpenChannelError
		if errors.As(err, &oce) {
			return nil, asked, &RefusedError{What: "the session", Reason: oce.Message}
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, asked, fmt.Errorf("join %s: open session: %w", c.addr, err)
	}
	c.log.Info("connected", "host_fp", keys.Fingerprint(hostKey), "server", string(sc.ServerVersion()))
	return &link{client: client, nc: tc, ch: ch, reqs: chReqs, hostKey: hostKey}, asked, nil
}

// checkHostKey accepts the host's key if the invite pins it or known_hosts has it; an
// unknown host is asked about (on the first connection) and saved if trusted.
func (c *Conn) checkHostKey(known *keys.KnownHosts, host string, remote net.Addr, key ssh.PublicKey, first bool, asked *bool) error {
	if pin := c.addr.HostKey; pin != "" {
		if fp := keys.Fingerprint(key); fp != pin {
			return &PinError{Host: host, Pinned: pin, Offered: fp}
		}
		err := known.Check(host, remote, key)
		if errors.Is(err, keys.ErrUnknownHost) {
			err = known.Add(host, key)
		}
		return err
	}
	var confirm keys.ConfirmHostFunc
	if first && c.cfg.ConfirmHost != nil {
		confirm = func(h string, k ssh.PublicKey) error {
			*asked = true
			if err := c.cfg.ConfirmHost(h, k); err != nil {
				return fmt.Errorf("%w: %w", &keys.HostKeyError{Host: h, Key: k}, err)
			}
			return nil
		}
	}
	return known.HostKeyCallback(confirm)(host, remote, key)
}

// handshakeError turns a failed handshake (past the host key) into the error a user can
// act on.
func (c *Conn) handshakeError(err error, o *offered) error {
	switch {
	case strings.Contains(err.Error(), "unable to authenticate"):
		ae := &AuthError{Addr: c.addr, Offered: o.labels}
		if c.ids.duet != nil {
			ae.DuetKey = c.ids.duet.AuthorizedKey()
		}
		return ae
	}
	return fmt.Errorf("join %s: %w", c.addr, err)
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
