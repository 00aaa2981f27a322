package host

// Partner describes a partner's client attached through the host. User comes from the
// partner: show it escaped (internal/safetext).
type Partner struct {
	Fingerprint string
	User        string // SSH user name
	Remote      string
	Session     string
	ReadOnly    bool
}

// Partners returns the clients attached through the host now.
func (h *Server) Partners() []Partner {
	var out []Partner
	for _, c := range h.connections() {
		c.mu.Lock()
		for cl := range c.clients {
			out = append(out, Partner{
				Fingerprint: c.fp, User: c.sc.User(), Remote: c.remote,
				Session: cl.Session().Name(), ReadOnly: cl.ReadOnly(),
			})
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
