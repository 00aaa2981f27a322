package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/safetext"
)

// PairRequest is the type of the channel requests that carry pairing between a Duet host
// and a Duet window joined to it, on the window's session channel, both ways: the host
// tells who is here (Presence), the chat (Chat) and where someone points (Point); the
// window says hello (Hello, before its shell: it shows all that itself, so the host
// draws it no status line), chats (Say), asks for or hands over control (Drive), sets the
// call link (Call) and points (Point). They are sent without asking for a reply, so an
// SSH client that does not know them ignores them, and the host sends them only to a
// channel that said hello.
//
// The payload is one SSH string holding a JSON object (a [Message]) of at most
// MaxPairBytes. Everything in it comes from the other side: ParseMessage checks it and
// bounds it, and returns every name escaped (CleanName), every text escaped
// (internal/safetext) and the call link checked (CheckCall), ready to show (a Say's text
// aside: see ParseMessage).
const PairRequest = "duet-pair@duetpair.github.io"

// Bounds of pair messages.
const (
	MaxPairBytes  = 16 << 10 // a message's payload
	MaxPeople     = 64       // participants in a Presence
	MaxChatLines  = 50       // chat lines in one message
	MaxChatText   = 500      // bytes of a chat line as said (escaped, it may grow)
	MaxCallLink   = 512      // bytes of a call link
	maxID         = 100      // bytes of a participant ID
	maxPointCells = 1000     // a point's column and row are below this
)

// The kinds of pair message.
const (
	KindHello    = "hello"    // window to host
	KindPresence = "presence" // host to window
	KindChat     = "chat"     // host to window
	KindPoint    = "point"    // both ways
	KindSay      = "say"      // window to host
	KindDrive    = "drive"    // window to host
	KindCall     = "call"     // window to host
)

// The Role of a Person.
const RoleHost = "host" // also RoleType and RoleView

// The Action of a Drive.
const (
	DriveAsk  = "ask"  // ask for control
	DriveGive = "give" // hand control to To (the host, or the driver)
	DriveTake = "take" // the host takes control back (for a window that hosts)
)

// Message is one pair message. Kind says which of the other fields it carries.
type Message struct {
	Kind     string     `json:"kind"`
	Presence *Presence  `json:"presence,omitempty"` // KindPresence
	Chat     []ChatLine `json:"chat,omitempty"`     // KindChat: new lines, oldest first
	Point    *Point     `json:"point,omitempty"`    // KindPoint
	Text     string     `json:"text,omitempty"`     // KindSay
	Drive    *Drive     `json:"drive,omitempty"`    // KindDrive
	Call     string     `json:"call,omitempty"`     // KindCall: "" removes the link
}

// Presence is who is in a session: what every participant is told, at join and at every
// change (a few times a second at most).
type Presence struct {
	Session   string   `json:"session"`
	You       string   `json:"you,omitempty"` // the ID of the participant it is sent to
	OneDriver bool     `json:"one_driver"`
	Call      string   `json:"call,omitempty"`
	Recording bool     `json:"recording,omitempty"`
	Paused    bool     `json:"paused,omitempty"`
	People    []Person `json:"people"`
}

// Person is one participant: the host, or a partner (ID: the key's fingerprint).
type Person struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Role    string `json:"role"` // RoleHost, RoleType or RoleView
	Typing  bool   `json:"typing,omitempty"`
	Driving bool   `json:"driving,omitempty"`
	Asking  bool   `json:"asking,omitempty"` // asks for control
	Chat    bool   `json:"chat,omitempty"`   // in the session's chat only, no terminal
}

// ChatLine is one chat message.
type ChatLine struct {
	Seq  uint64 `json:"seq"` // counts the session's chat lines
	From string `json:"from"`
	Name string `json:"name"`
	Text string `json:"text"`
	At   int64  `json:"at"` // Unix milliseconds
}

// Time returns when the line was said.
func (l ChatLine) Time() time.Time { return time.UnixMilli(l.At) }

// Point is a "look here": a cell of the session's screen (0-based).
type Point struct {
	From string `json:"from,omitempty"`
	Name string `json:"name,omitempty"`
	Col  int    `json:"col"`
	Row  int    `json:"row"`
}

// Drive is a request about control (one driver at a time).
type Drive struct {
	Action string `json:"action"`       // DriveAsk, DriveGive, DriveTake
	To     string `json:"to,omitempty"` // DriveGive: the participant ID
}

// ErrBadMessage is returned by ParseMessage for a payload that is not a pair message.
var ErrBadMessage = errors.New("malformed duet pair message")

// MarshalMessage returns the request payload that carries m; an error if it is larger
// than MaxPairBytes.
func MarshalMessage(m Message) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxPairBytes {
		return nil, fmt.Errorf("pair message of %d bytes: more than %d", len(b), MaxPairBytes)
	}
	return ssh.Marshal(&struct{ JSON string }{string(b)}), nil
}

// ParseMessage reads a pair request's payload: a known kind with what it carries, within
// the bounds, everything cleaned for showing but a Say's text, which the host keeps as
// said (and shows escaped, as every chat line: CleanText). Fields of another kind are
// dropped.
func ParseMessage(p []byte) (Message, error) {
	var raw struct{ JSON string }
	if len(p) > MaxPairBytes+4 || ssh.Unmarshal(p, &raw) != nil {
		return Message{}, ErrBadMessage
	}
	var m Message
	if err := json.Unmarshal([]byte(raw.JSON), &m); err != nil {
		return Message{}, ErrBadMessage
	}
	out := Message{Kind: m.Kind}
	switch m.Kind {
	case KindHello:
	case KindPresence:
		if m.Presence == nil || len(m.Presence.People) > MaxPeople {
			return Message{}, ErrBadMessage
		}
		pr := *m.Presence
		pr.Session = CleanName(pr.Session)
		pr.You = cleanID(pr.You)
		pr.Call = cleanCall(pr.Call)
		pr.People = make([]Person, 0, len(m.Presence.People))
		for _, p := range m.Presence.People {
			p.ID, p.Name = cleanID(p.ID), CleanName(p.Name)
			if p.Role != RoleHost && p.Role != RoleType && p.Role != RoleView {
				p.Role = RoleView
			}
			pr.People = append(pr.People, p)
		}
		out.Presence = &pr
	case KindChat:
		if len(m.Chat) == 0 || len(m.Chat) > MaxChatLines {
			return Message{}, ErrBadMessage
		}
		for _, l := range m.Chat {
			out.Chat = append(out.Chat, ChatLine{Seq: l.Seq, From: cleanID(l.From), Name: CleanName(l.Name), Text: CleanText(l.Text), At: l.At})
		}
	case KindPoint:
		if m.Point == nil || m.Point.Col < 0 || m.Point.Row < 0 || m.Point.Col >= maxPointCells || m.Point.Row >= maxPointCells {
			return Message{}, ErrBadMessage
		}
		out.Point = &Point{From: cleanID(m.Point.From), Name: CleanName(m.Point.Name), Col: m.Point.Col, Row: m.Point.Row}
	case KindSay:
		if m.Text == "" || len(m.Text) > MaxChatText || !utf8.ValidString(m.Text) {
			return Message{}, ErrBadMessage
		}
		out.Text = m.Text // what the partner said, to keep; shown escaped (CleanText)
	case KindDrive:
		if m.Drive == nil || (m.Drive.Action != DriveAsk && m.Drive.Action != DriveGive && m.Drive.Action != DriveTake) {
			return Message{}, ErrBadMessage
		}
		out.Drive = &Drive{Action: m.Drive.Action, To: cleanID(m.Drive.To)}
	case KindCall:
		if m.Call != "" && CheckCall(m.Call) != nil {
			return Message{}, ErrBadMessage
		}
		out.Call = m.Call
	default:
		return Message{}, ErrBadMessage
	}
	return out, nil
}

// CleanText returns chat text from the other side as it may be shown on one line: cut to
// MaxChatText bytes, everything that is not visible text escaped (internal/safetext).
func CleanText(s string) string {
	return safetext.Line(strings.ToValidUTF8(bound(s, MaxChatText), ""), 4*MaxChatText)
}

// cleanID bounds a participant ID; one that is not plain printable ASCII is dropped.
func cleanID(s string) string {
	if len(s) > maxID {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return ""
		}
	}
	return s
}

// cleanCall returns link if it is a call link CheckCall accepts, else "".
func cleanCall(link string) string {
	if CheckCall(link) != nil {
		return ""
	}
	return link
}

// ErrBadCall is returned by CheckCall.
var ErrBadCall = errors.New("a call link is a web address: https://… (or http://), without spaces or a user name")

// CheckCall checks a call link (Jitsi, Meet, Zoom, …) before it is set or shown: an
// absolute http or https URL with a host, of plain printable ASCII (a name in another
// script is written in its punycode form, so that no look-alike letters hide where it
// goes), no user name or password in it (https://meet.example.com@elsewhere/ goes
// elsewhere), at most MaxCallLink bytes. A window shows it in full and opens it only
// when clicked.
func CheckCall(link string) error {
	if link == "" || len(link) > MaxCallLink {
		return ErrBadCall
	}
	for i := 0; i < len(link); i++ {
		if link[i] <= ' ' || link[i] >= 0x7f {
			return ErrBadCall
		}
	}
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return ErrBadCall
	}
	return nil
}

// Now says what a participant is doing, as a status line and `who` say it: "in the
// chat" (only), "drives", "asks to drive" (both with one driver at a time on), "typing"
// or "".
func (p Person) Now(oneDriver bool) string {
	switch {
	case p.Chat:
		return "in the chat"
	case oneDriver && p.Driving:
		return "drives"
	case oneDriver && p.Asking:
		return "asks to drive"
	case p.Typing:
		return "typing"
	}
	return ""
}
