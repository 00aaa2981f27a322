package host

import "time"

// Partner describes a partner's client attached through the host. User comes from the
// partner: show it escaped (internal/safetext).
type Partner struct {
	Fingerprint string
	Name        string // what the host calls the partner: the approved key's comment, the name given at approval or the one a Duet partner sent (all cleaned); "" if none
	User        string // SSH user name
	Remote      string
	Session     string
	ReadOnly    bool
	Cols, Rows  int // what the partner's terminal gives the session, less its status line (0x0: none)
	// RTT is the round trip to the partner's terminal (the smallest lately: the
	// network's own delay), 0 until it is known.
	RTT time.Duration
}

// Partners returns the clients attached through the host now.
func (h *Server) Partners() []Partner {
	var out []Partner
	for _, c := range h.connections() {
		c.mu.Lock()
		for cl := range c.clients {
			p := Partner{
				Fingerprint: c.fp, Name: c.name, User: c.sc.User(), Remote: c.remote,
				Session: cl.Session().Name(), ReadOnly: cl.ReadOnly(), RTT: cl.RoundTrip(),
			}
			p.Cols, p.Rows = cl.SessionSize()
			out = append(out, p)
		}
		c.mu.Unlock()
	}
	return out
}

func (h *Server) connections() []*conn {
	if h.init() != nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		out = append(out, c)
	}
	return out
}
