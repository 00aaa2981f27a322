package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/sessions/record"
)

// TestRecordAndPause: the host records the session from the header and pauses sharing
// with its key; a partner is told both (its own Duet window shows them), sees the curtain
// and none of what the host does meanwhile; the recording verifies.
func TestRecordAndPause(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, options{recordDir: dir})
	h.joinAllowed(h.invite()) // the window joins its own host, as a partner would
	var host, joined *entry
	h.ui(func() { host, joined = h.u.entries[0], h.joined() })
	h.waitFor("the partner's prompt", func() bool { return strings.Contains(joined.term.Screen().Text(), "$") })

	h.ui(func() {
		h.u.selectEntry(host)
		test.Tap(h.u.centre.rec.record)
	})
	h.waitFor("the partner to be told about the recording", func() bool {
		return joined.recorded && strings.Contains(joined.describe(), "● recording") &&
			strings.Contains(joined.term.Screen().Text(), "this session is being recorded")
	})
	h.ui(func() {
		if !strings.HasPrefix(h.u.centre.detail.Text, "● recording to main-") || h.u.centre.rec.record.Text != "Stop recording" ||
			h.u.centre.rec.badge.Text != "● REC" || !h.u.centre.rec.badge.Visible() {
			t.Errorf("host header %q, badge %q, button %q", h.u.centre.detail.Text, h.u.centre.rec.badge.Text, h.u.centre.rec.record.Text)
		}
		test.Type(host.term, "echo rec-$((2+2))\r")
	})
	h.waitFor("the partner to see the host's typing", func() bool { return strings.Contains(joined.term.Screen().Text(), "rec-4") })

	// The host's key in its terminal draws the curtain.
	h.ui(func() { host.term.TypedShortcut(pauseShortcut) })
	h.waitFor("the curtain", func() bool {
		return joined.paused && strings.Contains(joined.term.Screen().Text(), "The host paused sharing") &&
			strings.Contains(joined.describe(), "the host paused sharing") && joined.badge() == "● REC PAUSED"
	})
	h.ui(func() {
		test.Type(host.term, "echo private-$((3+3))\r")
		test.Type(joined.term, "echo from-partner\r")
	})
	h.waitFor("the host's private command", func() bool { return strings.Contains(host.session.Screen().Text(), "private-6") })
	// The partner's keys reach the host a moment later; resuming before they arrived
	// would let them in, as keys typed after resuming.
	h.waitFor("the host to ignore the partner's keys", func() bool {
		for _, c := range host.session.Clients() {
			if c.Ignored() >= int64(len("echo from-partner\r")) {
				return true
			}
		}
		return false
	})
	h.ui(func() {
		if strings.Contains(joined.term.Screen().Text(), "private-6") {
			t.Error("the partner saw output from the pause")
		}
		test.Tap(h.u.centre.rec.pause) // resume
	})
	h.waitFor("the repaint after resuming", func() bool {
		return !joined.paused && strings.Contains(joined.term.Screen().Text(), "private-6")
	})
	if strings.Contains(host.session.Screen().Text(), "from-partner") {
		t.Error("the partner's typing during the pause reached the session")
	}
	h.ui(func() { test.Tap(h.u.centre.rec.record) }) // stop
	h.waitFor("the partner to be told the recording stopped", func() bool { return !joined.recorded })

	files, _ := filepath.Glob(filepath.Join(dir, "main-*.cast"))
	if len(files) != 1 {
		t.Fatalf("recordings: %v", files)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := record.Verify(f)
	if err != nil {
		t.Fatalf("the window's recording: %v", err)
	}
	var fp string
	h.ui(func() { fp = h.u.hosting.hostKey.Fingerprint() })
	if res.Fingerprint != fp {
		t.Errorf("signed by %s, not the host key %s", res.Fingerprint, fp)
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), "rec-4") || strings.Contains(string(b), "private-6\\r\\n") {
		t.Errorf("the recording has the wrong output (rec-4 in, the pause's output out)")
	}
}
