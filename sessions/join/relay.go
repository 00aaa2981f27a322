package join

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/duetpair/duet/keys"
)

// Server is what a [Relay] serves the connections forwarded to it with: a Duet host
// (sessions/host's Server). Serve returns once the listener is closed.
type Server interface {
	Serve(l net.Listener) error
}

// Relay makes a Duet host reachable through an SSH server the host can log in to (any
// OpenSSH server; nothing is installed there): it logs in, asks the server to listen on a
// port for it (a remote forward, tcpip-forward), and serves every connection made to that
// port with the Host, exactly as a direct one: the same approval, the same roles. The
// relay only carries the partner's SSH connection to the Host as bytes it cannot read;
// partners check the Host's key, not the relay's.
//
// The link to the relay is kept alive with keepalives and made again, with backoff, when
// it drops; Status is told each step. Set the fields, then call Start once, and Close to
// stop. Fields must not change once started. Closing the listener the Relay serves the
// Host from, as host.Server.Shutdown does, stops the Relay too.
type Relay struct {
	// Host serves the partners who come through the relay. Required.
	Host Server
	// Server is the SSH server to relay through and the user to log in as; see
	// [ParseServer]. Its HostKey, if set, pins the server's key.
	Server Address
	// Port is the port to ask for on the relay; 0 lets the relay pick one. A port
	// picked by the relay is asked for again after a drop, so the join lines stay the
	// same if it is still free.
	Port int
	// Store is the config dir: Duet's identity and known_hosts. Required.
	Store *keys.Store

	// IdentityFile, NoUserKeys, SSHDir, AgentSocket and Passphrase choose the keys
	// offered to the relay, as in [Config].
	IdentityFile string
	NoUserKeys   bool
	SSHDir       string
	AgentSocket  string
	Passphrase   keys.PassphraseFunc
	// Prompt is asked what the relay's server asks while logging in (see
	// Config.Prompt); nil gives up on such servers.
	Prompt PromptFunc
	// ConfirmHost is asked whether to trust the relay if its key is not in known_hosts;
	// nil refuses an unknown relay. It is asked only in Start, never when reconnecting.
	ConfirmHost keys.ConfirmHostFunc

	// KeepAlive is how often the relay is asked whether it is still there; one that does
	// not answer within two intervals counts as gone. 0 means DefaultKeepAlive; negative
	// turns the checks off.
	KeepAlive time.Duration
	// DialTimeout bounds each TCP connect; 0 means DefaultDialTimeout.
	DialTimeout time.Duration
	// HandshakeTimeout bounds each SSH handshake and the request for the forward; 0
	// means DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
	// Status is told each change of the relay's state. It is never called concurrently
	// and must not block.
	Status RelayStatusFunc
	// Logger receives the relay's log; nil discards it. Keys: relay, port, err.
	Logger *slog.Logger

	log   *slog.Logger
	login *login
	ln    *relayListener
	port  int // the port to ask for next; only the goroutine connecting touches it

	stop     chan struct{} // closed by Close, or when the Host closes the listener
	stopOnce sync.Once
	cut      chan struct{} // closed by Close: partners are cut without waiting
	cutOnce  sync.Once
	wg       sync.WaitGroup // the link's owner and the Host's Serve

	mu      sync.Mutex // guards the fields below
	started bool
	status  RelayStatus
}

// ErrRelayClosed is the error of a Relay's operations after Close.
var ErrRelayClosed = errors.New("relay closed")

// Start logs in to the relay, asking ConfirmHost about its key if it is unknown, asks for
// the forward, and starts serving it with the Host. It returns once the forward is up,
// or with the error of this first attempt: the relay's key not trusted (a
// *keys.HostKeyError), no key accepted (*AuthError), the forward refused, the network.
// From then on the Relay keeps the link up by itself until Close. ctx bounds the first
// attempt only; Close meanwhile ends it with ErrRelayClosed. Start may be called once.
func (r *Relay) Start(ctx context.Context) error {
	if err := r.init(); err != nil {
		r.notify(RelayStatus{State: RelayStopped, Err: err})
		return err
	}
	r.notify(RelayStatus{State: RelayConnecting, Attempt: 1})
	ctx, done := r.untilStopped(ctx)
	lk, err := r.connect(ctx, true)
	done()
	if err != nil && r.stopping() {
		err = ErrRelayClosed
	}
	if err != nil {
		r.notify(RelayStatus{State: RelayStopped, Err: err})
		r.stopOnce.Do(func() { close(r.stop) })
		return err
	}
	r.mu.Lock()
	if r.stopping() { // closed meanwhile
		r.mu.Unlock()
		lk.close()
		r.notify(RelayStatus{State: RelayStopped})
		return ErrRelayClosed
	}
	r.wg.Add(2) // under mu: Close waits for them (see Close)
	r.mu.Unlock()
	r.notify(lk.status)
	go func() {
		defer r.wg.Done()
		err := r.Host.Serve(r.ln)
		if err != nil && !r.stopping() {
			r.log.Debug("the host stopped serving the relay's connections", "err", err)
		}
	}()
	go func() {
		defer r.wg.Done()
		r.run(lk)
	}()
	return nil
}

// init checks the fields and loads the keys; Start calls it once.
func (r *Relay) init() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return errors.New("relay: started twice")
	}
	r.started = true
	r.stop = make(chan struct{})
	r.cut = make(chan struct{})
	switch {
	case r.Host == nil:
		return errors.New("relay: no host to serve (Relay.Host)")
	case r.Store == nil:
		return errors.New("relay: no config dir (Relay.Store)")
	case r.Server.Host == "" || r.Server.Port == 0:
		return errors.New("relay: no server (Relay.Server)")
	case r.Port < 0 || r.Port > 65535:
		return fmt.Errorf("relay: port %d out of range", r.Port)
	}
	logger := r.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r.log = logger.With("relay", r.Server.HostPort())
	ids, err := loadIdentities(identityOptions{
		store: r.Store, file: r.IdentityFile, noUserKeys: r.NoUserKeys,
		sshDir: r.SSHDir, agentSocket: r.AgentSocket, passphrase: r.Passphrase,
	})
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	for _, err := range ids.problems {
		r.log.Debug("key not used", "err", err)
	}
	r.login = &login{
		addr: r.Server, store: r.Store, ids: ids, confirm: r.ConfirmHost, timeout: r.DialTimeout, handshake: r.HandshakeTimeout,
		prompt: r.Prompt, log: r.log, what: "relay",
	}
	r.port = r.Port
	r.ln = newRelayListener(func() { r.stopOnce.Do(func() { close(r.stop) }) })
	return nil
}

// Current returns the relay's state now, as last told to the Status callback.
func (r *Relay) Current() RelayStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// Close stops the relay: the forward ends, partners who came through it are cut, and
// Close returns once every goroutine of the Relay is gone. The Host goes on serving its
// other listeners. (When the Host shuts down first, the link stays up until the Host
// has told the partners who came through it, up to a few seconds.)
func (r *Relay) Close() error {
	// Stopped under mu: Start adds to wg under mu only if not stopped, so nothing is
	// added once Wait runs.
	r.mu.Lock()
	if r.ln != nil {
		r.cutOnce.Do(func() { close(r.cut) })
		r.ln.Close() // stops the relay (see init)
	}
	r.mu.Unlock()
	r.wg.Wait()
	return nil
}

func (r *Relay) stopping() bool {
	select {
	case <-r.stop:
		return true
	default:
		return false
	}
}

// notify records st and tells the Status callback.
func (r *Relay) notify(st RelayStatus) {
	st.Server = r.Server.HostPort()
	r.mu.Lock()
	r.status = st
	r.mu.Unlock()
	if r.Status != nil {
		r.Status(st)
	}
}

// run owns the link to the relay from Start to Close: it waits for each link to drop, and
// makes a new one.
func (r *Relay) run(lk *relayLink) {
	for {
		cause := lk.wait(r.stop, r.cut)
		if r.stopping() {
			r.notify(RelayStatus{State: RelayStopped})
			return
		}
		r.log.Info("relay link lost", "err", cause)
		next, err := r.reconnect(cause)
		if err != nil {
			if errors.Is(err, ErrRelayClosed) {
				err = nil
			}
			r.notify(RelayStatus{State: RelayStopped, Err: err})
			return
		}
		r.notify(next.status)
		lk = next
	}
}

// reconnect makes a new link, with backoff, until it succeeds, the relay's key is refused
// (which needs the user), or the Relay is closed.
func (r *Relay) reconnect(cause error) (*relayLink, error) {
	for attempt := 1; ; attempt++ {
		delay := backoff(attempt)
		r.notify(RelayStatus{State: RelayRetrying, Attempt: attempt, Delay: delay, Err: cause})
		t := time.NewTimer(delay)
		select {
		case <-r.stop:
			t.Stop()
			return nil, ErrRelayClosed
		case <-t.C:
		}
		r.notify(RelayStatus{State: RelayConnecting, Attempt: attempt + 1})
		lk, err := r.attempt()
		if err == nil {
			r.log.Info("relay link up again", "attempt", attempt, "port", lk.status.Port)
			return lk, nil
		}
		if r.stopping() {
			return nil, ErrRelayClosed
		}
		r.log.Info("relay reconnect failed", "attempt", attempt, "err", err)
		var he *keys.HostKeyError
		var pe *PinError
		if errors.As(err, &he) || errors.As(err, &pe) {
			return nil, err
		}
		cause = err
	}
}

// attempt makes one link, bounded in time and ended by Close.
func (r *Relay) attempt() (*relayLink, error) {
	ctx, cancel := context.WithTimeout(context.Background(), reconnectTimeout)
	defer cancel()
	ctx, done := r.untilStopped(ctx)
	defer done()
	return r.connect(ctx, false)
}

// untilStopped returns a context that also ends when the Relay stops. Call done when
// finished with it: it returns once the goroutine watching for the stop is gone.
func (r *Relay) untilStopped(parent context.Context) (ctx context.Context, done func()) {
	ctx, cancel := context.WithCancel(parent)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-r.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		cancel()
		<-watched
	}
}
