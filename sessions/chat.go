package sessions

import (
	"errors"
	"strings"
	"time"
)

// Chat, the call link and "look here": a session keeps the latest chat lines, the link
// of the call that goes with it and the latest points, in memory only, for every
// participant to read (Session.Pairing). What partners send is bounded here in size and
// rate, per participant; showing it escaped is the reader's job (every text from a
// partner is).

// Bounds of what participants say.
const (
	MaxChatBytes = 500 // one chat line
	MaxCallBytes = 512 // the call link
	chatKept     = 100 // lines kept
	pointsKept   = 8   // points kept
	// chatEvery and chatBurst bound a participant's chat lines: one per chatEvery on
	// average, chatBurst at once; pointEvery and pointBurst the same for points.
	chatEvery  = time.Second
	chatBurst  = 5
	pointEvery = 250 * time.Millisecond
	pointBurst = 4
	// maxLimited bounds the participants whose rate is tracked.
	maxLimited = 256
)

// ErrTooFast is returned when a participant chats or points faster than allowed.
var ErrTooFast = errors.New("too many messages; wait a moment")

// ChatLine is one chat message.
type ChatLine struct {
	Seq  uint64 // counts the session's chat lines from 1
	From string // the participant ID
	Name string // the participant's name, when it was said
	Text string // as said, cut to MaxChatBytes; show it escaped
	At   time.Time
}

// Point is a participant's "look here": a cell of the screen (0-based).
type Point struct {
	Seq      uint64
	From     string
	Name     string
	Col, Row int
	At       time.Time
}

// Pairing is what everyone in a session is told about it: who is here, the driver, the
// call link, the latest chat lines and points.
type Pairing struct {
	Session      string
	Participants []Participant
	OneDriver    bool
	Call         string
	Chat         []ChatLine // the latest, oldest first
	Points       []Point    // the latest, oldest first
	Recording    bool
	Paused       bool
}

// Pairing returns the session's pairing state now.
func (s *Session) Pairing() Pairing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Pairing{
		Session:      s.name,
		Participants: s.participantsLocked(time.Now()),
		OneDriver:    s.oneDriver.Load(),
		Call:         s.call,
		Chat:         s.chat.lines(),
		Points:       append([]Point(nil), s.points...),
		Recording:    s.tap != nil,
		Paused:       s.paused.Load(),
	}
}

// Say adds a chat line from participant id, called name. Empty text is ignored.
func (s *Session) Say(id, name, text string) error {
	text = cutUTF8(text, MaxChatBytes)
	if text == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.limits.allow(id, "chat", chatEvery, chatBurst) {
		return ErrTooFast
	}
	s.chat.add(ChatLine{From: id, Name: name, Text: text, At: time.Now()})
	s.notifyLocked()
	return nil
}

// ErrBadCall is returned by SetCall for a link that is not an http or https URL of
// printable characters without spaces, of at most MaxCallBytes.
var ErrBadCall = errors.New("the call link must be an http:// or https:// address")

// SetCall sets the call link ("" removes it). Who may is the caller's to decide (the SSH
// host lets partners who may type), and so is checking it further (sessions/wire's
// CheckCall); here it must be an http or https URL of printable characters.
func (s *Session) SetCall(link string) error {
	if link != "" && !plausibleCall(link) {
		return ErrBadCall
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.call != link {
		s.call = link
		s.notifyLocked()
	}
	return nil
}

// Call returns the call link, "" if none is set.
func (s *Session) Call() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.call
}

// PointAt records that participant id points at a cell of the screen.
func (s *Session) PointAt(id, name string, col, row int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if col < 0 || row < 0 || col >= s.cols || row >= s.rows {
		return ErrNotAllowed
	}
	if !s.limits.allow(id, "point", pointEvery, pointBurst) {
		return ErrTooFast
	}
	s.pointSeq++
	s.points = append(s.points, Point{Seq: s.pointSeq, From: id, Name: name, Col: col, Row: row, At: time.Now()})
	if len(s.points) > pointsKept {
		s.points = s.points[len(s.points)-pointsKept:]
	}
	s.notifyLocked()
	return nil
}

// chatLog keeps the latest chat lines.
type chatLog struct {
	seq  uint64
	ring []ChatLine
}

func (l *chatLog) add(line ChatLine) {
	l.seq++
	line.Seq = l.seq
	if len(l.ring) >= chatKept {
		copy(l.ring, l.ring[1:])
		l.ring = l.ring[:len(l.ring)-1]
	}
	l.ring = append(l.ring, line)
}

func (l *chatLog) lines() []ChatLine { return append([]ChatLine(nil), l.ring...) }

// rateLimits is a token bucket per participant and kind of message.
type rateLimits struct {
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// allow takes a token from id's bucket of kind, which refills one per every, up to burst.
func (r *rateLimits) allow(id, kind string, every time.Duration, burst int) bool {
	now := time.Now()
	if r.buckets == nil {
		r.buckets = make(map[string]*bucket)
	}
	k := kind + "\x00" + id
	b := r.buckets[k]
	if b == nil {
		if len(r.buckets) >= maxLimited {
			r.forgetFull(now, every, burst)
		}
		b = &bucket{tokens: float64(burst), last: now}
		r.buckets[k] = b
	}
	b.tokens = min(float64(burst), b.tokens+now.Sub(b.last).Seconds()/every.Seconds())
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// forgetFull drops the buckets that are full again (they would allow as much as a new
// one), or if none is, all of them: the map stays bounded.
func (r *rateLimits) forgetFull(now time.Time, every time.Duration, burst int) {
	for k, b := range r.buckets {
		if b.tokens+now.Sub(b.last).Seconds()/every.Seconds() >= float64(burst) {
			delete(r.buckets, k)
		}
	}
	if len(r.buckets) >= maxLimited {
		clear(r.buckets)
	}
}

// plausibleCall reports whether link could be a call's web address.
func plausibleCall(link string) bool {
	if len(link) > MaxCallBytes || !(strings.HasPrefix(link, "https://") || strings.HasPrefix(link, "http://")) {
		return false
	}
	return printable(link, MaxCallBytes) == link && !strings.ContainsAny(link, " \u00a0")
}

// cutUTF8 cuts s to at most n bytes, not inside a character, and makes it valid UTF-8.
func cutUTF8(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}
