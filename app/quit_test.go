package app

import "testing"

// TestQuitQuestion: the quit dialog's sentence counts sessions and partners, and says
// plainly where sessions cannot outlive the window (Windows).
func TestQuitQuestion(t *testing.T) {
	for _, tc := range []struct {
		n, p    int
		canKeep bool
		want    string
	}{
		{1, 0, true, "A session is running. Keep it running in the background: its programs go on, partners reconnect to the same address in a moment, and opening Duet again brings it back (duet ls lists it, duet stop ends it). Stopping it ends its programs."},
		{2, 3, true, "2 sessions are running, with 3 partners attached. Keep them running in the background: their programs go on, partners reconnect to the same address in a moment, and opening Duet again brings them back (duet ls lists them, duet stop ends them). Stopping them ends their programs."},
		{1, 1, false, "A session is running, with a partner attached. Windows cannot keep a session running without its window: quitting ends it and its programs."},
	} {
		if got := quitQuestion(tc.n, tc.p, tc.canKeep); got != tc.want {
			t.Errorf("quitQuestion(%d, %d, %v) =\n%q\nwant\n%q", tc.n, tc.p, tc.canKeep, got, tc.want)
		}
	}
}
