package host

import (
	"net"
	"sync"
)

// waitingRoom bounds the connections the host has not approved yet: those in the SSH
// handshake and those whose key has no access yet, in all (sshd's MaxStartups) and per
// source address. When it is full, a newcomer takes the seat of the oldest connection
// that is not waiting for the host's answer — of its own source if that source is at
// its bound, else of the source holding the most seats — so neither idle connections
// nor a flood from a few addresses keep anyone else out. Only when every seat that
// could be freed waits for an answer is the newcomer turned away. Approved keys leave
// the room right after the handshake, so a full room never keeps them out.
type waitingRoom struct {
	mu    sync.Mutex // guards the fields below
	seats []*seat    // oldest first
	bySrc map[string]int
}

// seat is one unapproved connection in the room.
type seat struct {
	room *waitingRoom
	src  string
	kill func() // closes the connection

	asking bool // guarded by room.mu: waiting for the host's answer, not to be evicted
	gone   bool // guarded by room.mu: left, or evicted
}

// enter seats a connection from src, evicting another if the room is full; nil if
// every seat that could be freed is waiting for an answer. kill closes the connection
// when it is evicted.
func (w *waitingRoom) enter(src string, total, perSource int, kill func()) *seat {
	w.mu.Lock()
	if w.bySrc == nil {
		w.bySrc = make(map[string]int)
	}
	var victim *seat
	switch {
	case w.bySrc[src] >= perSource:
		victim = w.oldestLocked(func(s *seat) bool { return s.src == src })
	case len(w.seats) >= total:
		victim = w.busiestLocked()
	}
	full := w.bySrc[src] >= perSource || len(w.seats) >= total
	if full && victim == nil {
		w.mu.Unlock()
		return nil
	}
	if victim != nil {
		w.removeLocked(victim)
	}
	s := &seat{room: w, src: src, kill: kill}
	w.seats = append(w.seats, s)
	w.bySrc[src]++
	w.mu.Unlock()
	if victim != nil {
		victim.kill()
	}
	return s
}

// oldestLocked returns the oldest seat that may be evicted and matches ok.
func (w *waitingRoom) oldestLocked(ok func(*seat) bool) *seat {
	for _, s := range w.seats {
		if !s.asking && ok(s) {
			return s
		}
	}
	return nil
}

// busiestLocked returns the oldest seat that may be evicted of the source holding the
// most such seats.
func (w *waitingRoom) busiestLocked() *seat {
	evictable := make(map[string]int)
	for _, s := range w.seats {
		if !s.asking {
			evictable[s.src]++
		}
	}
	best, most := "", 0
	for src, n := range evictable {
		if n > most || (n == most && src < best) {
			best, most = src, n
		}
	}
	if most == 0 {
		return nil
	}
	return w.oldestLocked(func(s *seat) bool { return s.src == best })
}

func (w *waitingRoom) removeLocked(s *seat) {
	if s.gone {
		return
	}
	s.gone = true
	for i, o := range w.seats {
		if o == s {
			w.seats = append(w.seats[:i], w.seats[i+1:]...)
			break
		}
	}
	if w.bySrc[s.src]--; w.bySrc[s.src] <= 0 {
		delete(w.bySrc, s.src)
	}
}

// len returns how many connections are in the room.
func (w *waitingRoom) len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.seats)
}

// leave frees the seat: the connection was approved or is gone.
func (s *seat) leave() {
	s.room.mu.Lock()
	defer s.room.mu.Unlock()
	s.room.removeLocked(s)
}

// setAsking marks the seat as waiting for the host's answer (not to be evicted), or no
// longer; false if the connection was evicted meanwhile.
func (s *seat) setAsking(asking bool) bool {
	s.room.mu.Lock()
	defer s.room.mu.Unlock()
	s.asking = asking
	return !s.gone
}

// expire ends the login grace time: a connection still in the room and not waiting for
// the host's answer is closed.
func (s *seat) expire() {
	s.room.mu.Lock()
	if s.gone || s.asking {
		s.room.mu.Unlock()
		return
	}
	s.room.removeLocked(s)
	s.room.mu.Unlock()
	s.kill()
}

// sourceOf returns the address connections are counted by: the IP without the port,
// and for IPv6 its /64 network, which one party usually holds whole.
func sourceOf(a net.Addr) string {
	var ip net.IP
	if ta, ok := a.(*net.TCPAddr); ok {
		ip = ta.IP
	} else if host, _, err := net.SplitHostPort(a.String()); err == nil {
		ip = net.ParseIP(host)
		if ip == nil {
			return host
		}
	} else {
		return a.String()
	}
	if ip.To4() == nil && len(ip) == net.IPv6len {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
