package sessions

import (
	"errors"
	"slices"
	"sync"
	"time"
)

// Pairing: who is in a session, who is typing, and who drives. The session knows every
// keystroke (Client.Write), so it keeps the typing times and holds the gate of "one
// driver at a time"; the SSH host and the window only read it (Session.Pairing) and ask
// for changes. Everyone is a participant, named by an ID: HostID for the host (its
// window and its own key), else the key fingerprint its clients attached with.

// HostID is the participant ID of the host.
const HostID = "host"

// TypingFor is how long after a keystroke a participant is shown typing.
const TypingFor = 3 * time.Second

// maxAsks bounds the participants asking to drive at once; asksFor is how long an ask
// stays.
const (
	maxAsks = 16
	asksFor = 2 * time.Minute
)

// ErrNotAllowed is returned when a participant may not do what it asked: give control
// it does not hold, give it to someone who cannot type, set the call link as view only.
var ErrNotAllowed = errors.New("not allowed")

// Participant is one person in a session: the host, or a partner (every client attached
// with the same key fingerprint).
type Participant struct {
	ID       string // HostID, or the key fingerprint
	Name     string // as the host calls them (a partner's is cleaned by the SSH host)
	ReadOnly bool   // none of its clients may type
	Typing   bool   // typed within TypingFor
	Driving  bool   // holds control while one driver at a time is on
	Asking   bool   // asks for control
	Clients  int    // terminals attached
	ChatOnly bool   // in the session's chat only (InChat), with no terminal attached
}

// maxChatters bounds the participants who are in the chat only.
const maxChatters = 64

// chatter is someone in the session's chat with no terminal attached.
type chatter struct {
	id, name string
	readOnly bool
	n        int // their chats open
}

// InChat counts participant id, called name, as here while it has the session's chat
// open without a terminal attached (an OpenSSH partner's `chat` in a second terminal);
// readOnly says it may not type. Call leave when the chat closes. Beyond maxChatters
// nobody more is counted (the chat still works).
func (s *Session) InChat(id, name string, readOnly bool) (leave func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.chatters, func(c chatter) bool { return c.id == id })
	switch {
	case i >= 0:
		s.chatters[i].n++
	case len(s.chatters) >= maxChatters:
		return func() {}
	default:
		s.chatters = append(s.chatters, chatter{id: id, name: name, readOnly: readOnly, n: 1})
	}
	s.notifyLocked()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if i := slices.IndexFunc(s.chatters, func(c chatter) bool { return c.id == id }); i >= 0 {
				if s.chatters[i].n--; s.chatters[i].n == 0 {
					s.chatters = slices.Delete(s.chatters, i, i+1)
				}
			}
			s.notifyLocked()
		})
	}
}

// Participant returns the ID of the participant the client belongs to.
func (c *Client) Participant() string {
	if c.host {
		return HostID
	}
	return c.fp
}

// Drives reports whether the client's keys reach the program as far as the driver is
// concerned: one driver at a time is off, or its participant drives.
func (c *Client) Drives() bool {
	if !c.s.oneDriver.Load() {
		return true
	}
	d, _ := c.s.driver.Load().(string)
	return d == c.Participant()
}

// typingNews tells those waiting on the session's Changed that the client typed, when
// the keystroke at now (Unix ns) is the first after a pause.
func (c *Client) typingNews(last, now int64) {
	if now-last > int64(TypingFor) {
		c.s.mu.Lock()
		c.s.notifyLocked()
		c.s.mu.Unlock()
	}
}

// SetHostName sets what participants are told the host is called; "" means "host".
func (s *Session) SetHostName(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hostName != name {
		s.hostName = name
		s.notifyLocked()
	}
}

// SetOneDriver turns "one driver at a time" on or off. Turned on, the host drives and
// nobody asks; only the driver's keys reach the program.
func (s *Session) SetOneDriver(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oneDriver.Load() == on {
		return
	}
	s.driver.Store(HostID)
	s.asks = nil
	s.oneDriver.Store(on)
	s.notifyLocked()
	s.log.Info("one driver at a time", "on", on)
}

// AskToDrive records that participant id asks for control; asking again changes nothing.
// It is a no-op while one driver at a time is off or id drives. It reports whether the
// ask is new.
func (s *Session) AskToDrive(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.oneDriver.Load() || s.driverLocked() == id || !s.canTypeLocked(id) {
		return false
	}
	s.expireAsksLocked(time.Now())
	for _, a := range s.asks {
		if a.id == id {
			return false
		}
	}
	if len(s.asks) >= maxAsks {
		s.asks = s.asks[1:]
	}
	s.asks = append(s.asks, ask{id: id, at: time.Now()})
	s.notifyLocked()
	return true
}

// GiveDrive hands control from participant by to participant to: by must be the host or
// the driver, to the host or a participant who may type now. The host may always take
// it back (GiveDrive(HostID, HostID)).
func (s *Session) GiveDrive(by, to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.oneDriver.Load() {
		return ErrNotAllowed
	}
	if by != HostID && by != s.driverLocked() {
		return ErrNotAllowed
	}
	if to != HostID && !s.canTypeLocked(to) {
		return ErrNotAllowed
	}
	s.asks = slices.DeleteFunc(s.asks, func(a ask) bool { return a.id == to })
	if s.driverLocked() != to {
		s.driver.Store(to)
		s.log.Info("control given", "to_host", to == HostID)
	}
	s.notifyLocked()
	return nil
}

// ask is a participant asking for control.
type ask struct {
	id string
	at time.Time
}

// driverLocked returns who drives (an atomic: s.mu need not be held).
func (s *Session) driverLocked() string {
	d, _ := s.driver.Load().(string)
	return d
}

// canTypeLocked reports whether participant id has a client that may type. s.mu is held.
func (s *Session) canTypeLocked(id string) bool {
	for _, c := range s.clients {
		if c.Participant() == id && !c.readOnly.Load() {
			return true
		}
	}
	return false
}

func (s *Session) expireAsksLocked(now time.Time) {
	s.asks = slices.DeleteFunc(s.asks, func(a ask) bool { return now.Sub(a.at) > asksFor || !s.canTypeLocked(a.id) })
}

// checkDriverLocked gives control back to the host when the driver can no longer type
// (it left, or was made view only). s.mu is held.
func (s *Session) checkDriverLocked() {
	if !s.oneDriver.Load() {
		return
	}
	if d := s.driverLocked(); d != HostID && !s.canTypeLocked(d) {
		s.driver.Store(HostID)
		s.notifyLocked()
	}
	before := len(s.asks)
	s.expireAsksLocked(time.Now())
	if len(s.asks) != before {
		s.notifyLocked()
	}
}

// Participants returns who is in the session now: the host first (always, even with no
// window attached: the session is theirs), then the partners in the order they came,
// then those in the chat only.
func (s *Session) Participants() []Participant {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.participantsLocked(time.Now())
}

func (s *Session) participantsLocked(now time.Time) []Participant {
	hostName := s.hostName
	if hostName == "" {
		hostName = HostID
	}
	out := []Participant{{ID: HostID, Name: hostName, ReadOnly: false}}
	index := map[string]int{HostID: 0}
	for _, c := range s.clients {
		id := c.Participant()
		i, ok := index[id]
		if !ok {
			i = len(out)
			index[id] = i
			out = append(out, Participant{ID: id, Name: c.name, ReadOnly: true})
		}
		p := &out[i]
		p.Clients++
		if !c.readOnly.Load() {
			p.ReadOnly = false
		}
		if now.UnixNano()-c.typedAt.Load() <= int64(TypingFor) {
			p.Typing = true
		}
	}
	for _, c := range s.chatters {
		if _, ok := index[c.id]; !ok {
			index[c.id] = len(out)
			out = append(out, Participant{ID: c.id, Name: c.name, ReadOnly: c.readOnly, ChatOnly: true})
		}
	}
	if s.oneDriver.Load() {
		if i, ok := index[s.driverLocked()]; ok {
			out[i].Driving = true
		}
		for _, a := range s.asks {
			if i, ok := index[a.id]; ok && now.Sub(a.at) <= asksFor {
				out[i].Asking = true
			}
		}
	}
	return out
}

// OneDriver reports whether one driver at a time is on, and who drives (a participant
// ID).
func (s *Session) OneDriver() (on bool, driver string) {
	return s.oneDriver.Load(), s.driverLocked()
}
