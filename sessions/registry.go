package sessions

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrNameTaken is returned by [Registry.Start] for a name a running session has.
var ErrNameTaken = errors.New("a session with that name is running")

// Registry holds a host's sessions: it lists them, finds them by name and knows the
// default one. A session leaves the registry when its command ends. The zero value is an
// empty registry ready to use; its methods are safe for concurrent use.
type Registry struct {
	mu       sync.Mutex // guards the fields below
	sessions []*Session // in the order they started
	changed  chan struct{}
}

// Start starts a session and adds it to the registry.
func (r *Registry) Start(opt Options) (*Session, error) {
	if opt.Name == "" {
		opt.Name = DefaultName
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lookupLocked(opt.Name) != nil {
		return nil, fmt.Errorf("start session %s: %w", opt.Name, ErrNameTaken)
	}
	s, err := start(opt, r.remove)
	if err != nil {
		return nil, err
	}
	r.sessions = append(r.sessions, s)
	r.notifyLocked()
	return s, nil
}

func (r *Registry) remove(s *Session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, o := range r.sessions {
		if o == s {
			r.sessions = append(r.sessions[:i], r.sessions[i+1:]...)
			r.notifyLocked()
			return
		}
	}
}

// Changed returns a channel closed at the next change to the list of sessions.
func (r *Registry) Changed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.changed == nil {
		r.changed = make(chan struct{})
	}
	return r.changed
}

func (r *Registry) notifyLocked() {
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
}

// Lookup returns the running session called name, or nil.
func (r *Registry) Lookup(name string) *Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lookupLocked(name)
}

func (r *Registry) lookupLocked(name string) *Session {
	for _, s := range r.sessions {
		if s.name == name {
			return s
		}
	}
	return nil
}

// Default returns the default session: the first one started of those running; nil if
// none runs.
func (r *Registry) Default() *Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sessions) > 0 {
		return r.sessions[0]
	}
	return nil
}

// List returns the running sessions in the order they started.
func (r *Registry) List() []*Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Session(nil), r.sessions...)
}

// Info describes a session for listings (`ssh HOST ls --json`).
type Info struct {
	Name    string    `json:"name"`
	Command string    `json:"command"`
	Cols    int       `json:"cols"`
	Rows    int       `json:"rows"`
	Clients int       `json:"clients"`
	Default bool      `json:"default"`
	Started time.Time `json:"started"`
}

// Infos describes the running sessions in the order they started.
func (r *Registry) Infos() []Info {
	def := r.Default()
	var out []Info
	for _, s := range r.List() {
		s.mu.Lock()
		out = append(out, Info{
			Name: s.name, Command: s.Command(), Cols: s.cols, Rows: s.rows,
			Clients: len(s.clients), Default: s == def, Started: s.started,
		})
		s.mu.Unlock()
	}
	return out
}

// Close ends every session (see [Session.Close]) and returns when they are gone.
func (r *Registry) Close() error {
	var wg sync.WaitGroup
	for _, s := range r.List() {
		wg.Go(func() { s.Close() })
	}
	wg.Wait()
	return nil
}
