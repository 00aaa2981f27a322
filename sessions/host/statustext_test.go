package host

import (
	"strings"
	"testing"

	"github.com/duetpair/duet/sessions"
)

// TestStatusTextKeepsYou: on a narrow terminal the status line counts the partners it
// has no room for, never the one it is drawn for; names and chat text show escaped.
func TestStatusTextKeepsYou(t *testing.T) {
	p := sessions.Pairing{Session: "main", OneDriver: true, Participants: []sessions.Participant{
		{ID: sessions.HostID, Name: "Bob", Driving: true},
		{ID: "a", Name: "Alexandra the Great", Asking: true},
		{ID: "c", Name: "Carol\x1b[2J", ReadOnly: true},
		{ID: "d", Name: "Dan", Typing: true},
	}, Chat: []sessions.ChatLine{{Name: "Bob", Text: "hi\x1b]0;x\x07"}}}
	line := statusText(p, "d", 60)
	for _, want := range []string{"duet main │ Bob (host) drives · Dan (you) typing · ", "+2", `│ Bob: hi\033]0;x\007`} {
		if !strings.Contains(line, want) {
			t.Errorf("status line %q has no %q", line, want)
		}
	}
	if strings.ContainsRune(line, 0x1b) {
		t.Errorf("status line %q holds an escape", line)
	}
}
