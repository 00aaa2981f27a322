package wire

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

func mustMarshal(t testing.TB, m Message) []byte {
	t.Helper()
	p, err := MarshalMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPairRoundTrip(t *testing.T) {
	for _, m := range []Message{
		{Kind: KindHello},
		{Kind: KindPresence, Presence: &Presence{Session: "main", You: "SHA256:a", OneDriver: true, Call: "https://meet.jit.si/duet",
			People: []Person{{ID: "host", Name: "Bob", Role: RoleHost, Driving: true}, {ID: "SHA256:a", Name: "Alice", Role: RoleType, Typing: true, Asking: true}}}},
		{Kind: KindChat, Chat: []ChatLine{{Seq: 3, From: "host", Name: "Bob", Text: "shall we run the tests?", At: 1700000000000}}},
		{Kind: KindPoint, Point: &Point{From: "SHA256:a", Name: "Alice", Col: 4, Row: 11}},
		{Kind: KindSay, Text: "yes"},
		{Kind: KindDrive, Drive: &Drive{Action: DriveGive, To: "SHA256:a"}},
		{Kind: KindCall, Call: "https://meet.google.com/abc-defg-hij"},
		{Kind: KindCall},
	} {
		got, err := ParseMessage(mustMarshal(t, m))
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Errorf("ParseMessage(Marshal(%+v)) = %+v, %v", m, got, err)
		}
	}
}

// A hostile host or window: names, chat text and the call link cannot reach a screen
// as anything but text, and sizes are bounded.
func TestPairHostile(t *testing.T) {
	got, err := ParseMessage(mustMarshal(t, Message{Kind: KindPresence, Presence: &Presence{
		Session: "main\x1b[2J", You: "x\x1by", Call: "javascript:alert(1)",
		People: []Person{{ID: "SHA256:a\nb", Name: "Eve\x1b]52;c;aGk=\x07\u202e", Role: "root"}},
	}}))
	if err != nil {
		t.Fatal(err)
	}
	p := got.Presence
	if p.Session != `main\033[2J` || p.You != "" || p.Call != "" || p.People[0].ID != "" ||
		strings.ContainsAny(p.People[0].Name, "\x1b\x07\u202e") || p.People[0].Role != RoleView {
		t.Errorf("hostile presence came through as %+v %+v", p, p.People)
	}
	got, err = ParseMessage(mustMarshal(t, Message{Kind: KindChat, Chat: []ChatLine{{Text: "\x1b[31mred\r\n" + strings.Repeat("é", 400)}}}))
	if err != nil {
		t.Fatal(err)
	}
	if txt := got.Chat[0].Text; strings.ContainsAny(txt, "\x1b\r\n") || !strings.HasPrefix(txt, `\033[31mred\015\012`) || !utf8.ValidString(txt) {
		t.Errorf("chat text %q", txt)
	}
	var people []Person
	for range MaxPeople + 1 {
		people = append(people, Person{ID: "x", Name: "x", Role: RoleView})
	}
	for _, bad := range [][]byte{
		nil, {0, 0, 0, 1, '{'},
		mustMarshal(t, Message{Kind: "nonsense"}),
		mustMarshal(t, Message{Kind: KindPresence}),
		mustMarshal(t, Message{Kind: KindPresence, Presence: &Presence{People: people}}),
		mustMarshal(t, Message{Kind: KindPoint, Point: &Point{Col: -1}}),
		mustMarshal(t, Message{Kind: KindPoint, Point: &Point{Row: maxPointCells}}),
		mustMarshal(t, Message{Kind: KindDrive, Drive: &Drive{Action: "steal"}}),
		mustMarshal(t, Message{Kind: KindCall, Call: "file:///etc/passwd"}),
		mustMarshal(t, Message{Kind: KindSay}),
		mustMarshal(t, Message{Kind: KindSay, Text: strings.Repeat("x", MaxChatText+1)}),
		ssh.Marshal(&struct{ JSON string }{strings.Repeat(" ", MaxPairBytes+1)}),
	} {
		if m, err := ParseMessage(bad); err == nil {
			t.Errorf("ParseMessage(%q) accepted %+v", bad, m)
		}
	}
	if _, err := MarshalMessage(Message{Kind: KindSay, Text: strings.Repeat("x", MaxPairBytes)}); err == nil {
		t.Error("a message over MaxPairBytes was marshalled")
	}
}

func TestCheckCall(t *testing.T) {
	for link, ok := range map[string]bool{
		"https://meet.jit.si/DuetPair":                true,
		"https://meet.google.com/abc-defg-hij":        true,
		"https://us02web.zoom.us/j/123?pwd=abc":       true,
		"http://192.168.1.5:8080/room":                true,
		"https://xn--80ak6aa92e.com/":                 true,
		"":                                            false,
		"meet.jit.si/x":                               false,
		"javascript:alert(1)":                         false,
		"file:///etc/passwd":                          false,
		"https://meet.google.com@evil.example/":       false,
		"https://user:pw@meet.example/":               false,
		"https://mееt.example/":                       false, // Cyrillic e
		"https://x y":                                 false,
		"https://x\x1b[2J":                            false,
		"https:///nohost":                             false,
		"https://" + strings.Repeat("a", MaxCallLink): false,
		"mailto:someone@example.com":                  false,
		"https://example.com/\u202egnp.exe":           false,
	} {
		if err := CheckCall(link); (err == nil) != ok {
			t.Errorf("CheckCall(%q) = %v, want ok %v", link, err, ok)
		}
	}
}

// FuzzParseMessage: whatever the other side sends, ParseMessage never panics, and what it
// accepts is bounded, shows as plain text, and parses back the same (cleaning is done
// once).
func FuzzParseMessage(f *testing.F) {
	for _, m := range []Message{
		{Kind: KindHello},
		{Kind: KindPresence, Presence: &Presence{Session: "main", People: []Person{{ID: "host", Name: "B\x1bob", Role: RoleHost}}}},
		{Kind: KindChat, Chat: []ChatLine{{Seq: 1, Text: "hi\x07"}}},
		{Kind: KindPoint, Point: &Point{Col: 1, Row: 2}},
		{Kind: KindSay, Text: "x"},
		{Kind: KindDrive, Drive: &Drive{Action: DriveAsk}},
		{Kind: KindCall, Call: "https://meet.jit.si/x"},
	} {
		f.Add(mustMarshal(f, m))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		m, err := ParseMessage(p)
		if err != nil {
			return
		}
		if len(m.Text) > MaxChatText || !utf8.ValidString(m.Text) {
			t.Fatalf("a Say of %d bytes", len(m.Text))
		}
		shown := []string{m.Call}
		if m.Presence != nil {
			if len(m.Presence.People) > MaxPeople {
				t.Fatalf("%d people", len(m.Presence.People))
			}
			shown = append(shown, m.Presence.Session, m.Presence.Call, m.Presence.You)
			for _, p := range m.Presence.People {
				shown = append(shown, p.ID, p.Name, p.Role)
			}
		}
		for _, l := range m.Chat {
			shown = append(shown, l.From, l.Name, l.Text)
		}
		if m.Point != nil {
			shown = append(shown, m.Point.From, m.Point.Name)
		}
		for _, s := range shown {
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x202e }) {
				t.Fatalf("%q shows as more than text", s)
			}
			if len(s) > 8*MaxPairBytes {
				t.Fatalf("%d bytes shown", len(s))
			}
		}
		again, err := MarshalMessage(m)
		if err != nil {
			return // cleaning may have made it grow past the bound: the sender's limit
		}
		m2, err := ParseMessage(again)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("parse again: %+v\n-> %+v, %v", m, m2, err)
		}
	})
}
