package host

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/wire"
)

// MovedText is what partners read when the host's sessions move to another process of the
// same host ([Server.Handover]): a Duet partner reconnects by itself, an OpenSSH partner
// runs ssh again.
const MovedText = "[duet: the host's sessions move to another Duet process on the same machine: connect again to go on]"

// Handover stops the host as Shutdown does, but tells partners that the sessions go on
// elsewhere on the same address ([wire.Moved]), so that they reconnect: the window quits
// and hands its sessions to a background duet host, or takes them back. Take [Server.Grants]
// for the next host first.
func (h *Server) Handover(ctx context.Context) error {
	return h.shutdown(ctx, wire.Status{State: wire.Moved, Text: MovedText})
}

// Grant is what the host allowed one key without saving it ("Allow once"), as it moves
// with the sessions to the next host process ([Server.Grants], [Server.Restore]).
type Grant struct {
	Key     string    `json:"key"`     // the public key, in authorized_keys format
	Allowed []string  `json:"allowed"` // session IDs (they keep them as they move); "" for the listing
	Role    keys.Role `json:"role"`
	Name    string    `json:"name,omitempty"` // the name the host gave the partner
}

// Grants returns what the host allowed once (not saved in approved_keys), by
// fingerprint order.
func (h *Server) Grants() []Grant {
	if h.init() != nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Grant
	for _, a := range h.keys {
		if len(a.once) == 0 {
			continue
		}
		g := Grant{Key: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(a.key))), Role: a.onceRole, Name: a.given}
		for want := range a.once {
			g.Allowed = append(g.Allowed, want)
		}
		sort.Strings(g.Allowed)
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Restore gives keys what another host process allowed them once (its Grants), as if
// this host had: their partners reconnect without being asked again. Call it before
// Serve.
func (h *Server) Restore(grants []Grant) error {
	if err := h.init(); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, g := range grants {
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(g.Key))
		if err != nil {
			return fmt.Errorf("restore a key allowed once: %w", err)
		}
		fp := keys.Fingerprint(key)
		a := h.keys[fp]
		if a == nil {
			a = &access{fp: fp, key: key, conns: make(map[*conn]struct{})}
			h.keys[fp] = a
		}
		if a.once == nil {
			a.once = make(map[string]bool)
		}
		for _, want := range g.Allowed {
			a.once[want] = true
		}
		a.onceRole, a.given = g.Role, wire.CleanName(g.Name)
	}
	return nil
}
