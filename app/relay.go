package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/join"
)

// relayStartTimeout bounds the first login to the relay, the question about its key
// included.
const relayStartTimeout = 5 * time.Minute

// windowRelay is the relay the window runs for its host: the join.Relay and what it
// last reported. The UI goroutine owns it.
type windowRelay struct {
	server string // as the user wrote it, user@server[:port]
	r      *join.Relay
	cancel context.CancelFunc // ends Start's first attempt
	status join.RelayStatus
}

// setRelay makes server (user@server[:port]; "" turns the relay off) the window's relay:
// it is saved in the settings, the running relay stops, and the new one starts if the
// window hosts. It runs on the UI goroutine.
func (u *UI) setRelay(server string) {
	server = strings.TrimSpace(server)
	if server != "" {
		if _, err := join.ParseServer(server); err != nil {
			u.showError("Duet cannot use that relay", err)
			return
		}
	}
	u.settings.Relay = server
	if err := u.settings.save(u.cfg.Store); err != nil {
		u.showError("Duet could not save the settings", err)
	}
	u.stopRelay()
	if server != "" && u.hosting != nil {
		u.startRelay()
	}
	u.share.showRelay()
}

// startRelay starts the relay of the settings for the window's host; Start runs in the
// background, asking about an unknown relay key with the join's question.
func (u *UI) startRelay() {
	server, err := join.ParseServer(u.settings.Relay)
	if err != nil {
		u.showError("Duet cannot use the relay "+u.settings.Relay, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), relayStartTimeout)
	wr := &windowRelay{server: u.settings.Relay, cancel: cancel,
		status: join.RelayStatus{State: join.RelayConnecting, Server: server.HostPort(), Attempt: 1}}
	wr.r = &join.Relay{
		Host:        u.hosting.host,
		Server:      server,
		Store:       u.cfg.Store,
		ConfirmHost: u.confirmHost(ctx, trustRelay),
		Passphrase:  u.askPassphrase(ctx),
		Logger:      u.log,
		Status: func(st join.RelayStatus) {
			fyne.Do(func() { u.relayStatus(wr, st) })
		},
	}
	u.relay = wr
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		defer cancel()
		select { // the window closed before the relay started
		case <-u.stop:
			return
		default:
		}
		if err := wr.r.Start(ctx); err != nil {
			fyne.Do(func() { u.relayFailed(wr, err) })
		}
	}()
}

// stopRelay closes the window's relay, if one runs, in the background.
func (u *UI) stopRelay() {
	wr := u.relay
	if wr == nil {
		return
	}
	u.relay = nil
	u.closeRelay(wr)
}

// closeRelay ends wr's first attempt and closes it, in the background.
func (u *UI) closeRelay(wr *windowRelay) {
	wr.cancel()
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		wr.r.Close()
	}()
}

// relayStatus shows wr's news, unless another relay replaced it.
func (u *UI) relayStatus(wr *windowRelay, st join.RelayStatus) {
	if u.relay != wr {
		return
	}
	wr.status = st
	u.share.showRelay()
}

// relayFailed says why the relay could not start, and turns it off (the setting
// stays, so the next start of the window tries again).
func (u *UI) relayFailed(wr *windowRelay, err error) {
	if u.relay != wr {
		return // turned off or replaced meanwhile
	}
	u.relay = nil
	u.share.showRelay()
	if errors.Is(err, join.ErrRelayClosed) {
		return
	}
	u.log.Info("relay failed", "relay", wr.server, "err", err)
	var he *keys.HostKeyError
	if errors.As(err, &he) && errors.Is(err, keys.ErrHostKeyChanged) {
		u.showHostKeyChanged("the relay", he, func() {
			if u.hosting != nil && u.relay == nil && u.settings.Relay != "" {
				u.startRelay()
				u.share.showRelay()
			}
		})
		return
	}
	u.showError("", relayError(wr.server, err))
}

// relayError says why the relay failed, in words a user acts on.
func relayError(server string, err error) error {
	var he *keys.HostKeyError
	var ae *join.AuthError
	var oe *net.OpError
	switch {
	case errors.As(err, &he) && errors.Is(err, errNotTrusted):
		return fmt.Errorf("you did not trust the key of %s, so Duet does not relay through it", he.Host)
	case errors.As(err, &he):
		return fmt.Errorf("%s is not a known host and its key was not trusted, so Duet does not relay through it", he.Host)
	case errors.As(err, &ae) && !ae.KeysRefused():
		return fmt.Errorf("the relay %w", ae)
	case errors.As(err, &ae) && ae.DuetKey != "":
		return fmt.Errorf("the relay %s accepted none of your keys: add your Duet key (Keys) to ~/.ssh/authorized_keys there", server)
	case errors.As(err, &ae):
		return fmt.Errorf("the relay %s accepted none of your keys", server)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("the relay %s did not answer in time", server)
	case errors.As(err, &oe) && oe.Op == "dial":
		return fmt.Errorf("could not reach the relay %s (%v): check the address and that its SSH server runs", server, oe.Err)
	}
	return fmt.Errorf("could not relay through %s: %s", server, safetext.Line(strings.TrimPrefix(err.Error(), "relay: "), safetext.MaxLine))
}

// relayReason is why the relay is down, for the share panel: relayError's sentence for
// the failures it knows, else the error itself.
func relayReason(server string, err error) string {
	var he *keys.HostKeyError
	var ae *join.AuthError
	var oe *net.OpError
	if server != "" && (errors.As(err, &he) || errors.As(err, &ae) || errors.As(err, &oe) && oe.Op == "dial" ||
		errors.Is(err, context.DeadlineExceeded)) {
		return relayError(server, err).Error()
	}
	return safetext.Line(strings.TrimPrefix(err.Error(), "relay: "), safetext.MaxLine)
}

// relayLine is the relay's state in a few words for the share panel.
func relayLine(st join.RelayStatus) string {
	switch st.State {
	case join.RelayConnecting:
		return "Connecting to " + st.Server + "…"
	case join.RelayListening:
		if st.Public {
			return "Relay listening on " + st.Addr()
		}
		return fmt.Sprintf("Relay listening on %s of %s (its loopback only: partners need a login there)", st.Addr(), st.Jump)
	case join.RelayRetrying:
		why := "connection lost"
		if st.Err != nil {
			why = relayReason(st.Server, st.Err)
		}
		secs := int((st.Delay + time.Second - 1) / time.Second)
		return fmt.Sprintf("Retrying in %d s: %s", secs, why)
	case join.RelayStopped:
		if st.Err != nil {
			return "Relay stopped: " + relayReason(st.Server, st.Err)
		}
		return "Relay stopped"
	}
	return st.String()
}
