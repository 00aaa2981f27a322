//go:build unix

package main

import (
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// TestJoinInviteWithNewHostKey: an invite pinning a host key other than the one on file
// asks before replacing it, with both fingerprints; no keeps the stored key and does not
// join, yes replaces it and joins.
func TestJoinInviteWithNewHostKey(t *testing.T) {
	hostDir := t.TempDir()
	partnerDir, pub := newPartner(t)
	runCLI(t, pub, "approve", "--config-dir", hostDir, "-")
	h := startHost(t, hostDir, "--approve", "deny", "--command", "/bin/sh")
	invite := strings.TrimPrefix(h.waitLine(t, "invite: "), "invite: ")
	old := duettest.PublicKey(t)
	known := keys.NewStore(partnerDir).KnownHosts()
	if err := known.Add(h.addr, old); err != nil {
		t.Fatal(err)
	}

	no := startJoin(t, "--config-dir", partnerDir, invite)
	no.out.WaitFor(t, "Replace the stored key and join? (yes/no): ")
	for _, want := range []string{"invite: " + h.hostFP, "stored: " + keys.Fingerprint(old)} {
		if !strings.Contains(no.out.String(), want) {
			t.Errorf("the question lacks %q: %q", want, no.out.String())
		}
	}
	no.typeText(t, "no\r")
	if code := no.wait(t); code != exitFailure {
		t.Errorf("exit code %d after no, want %d", code, exitFailure)
	}
	no.out.WaitFor(t, "kept the stored key")
	if err := known.Check(h.addr, nil, old); err != nil {
		t.Fatalf("the stored key is gone after no: %v", err)
	}

	yes := startJoin(t, "--config-dir", partnerDir, invite)
	yes.out.WaitFor(t, "Replace the stored key and join? (yes/no): ")
	yes.typeText(t, "yes\r")
	yes.typeText(t, "echo replaced-$((6*7))\r")
	yes.out.WaitFor(t, "replaced-42")
	if err := known.Check(h.addr, nil, old); err == nil {
		t.Error("the old key is still trusted after the replace")
	}
	// Joining by address now passes (a second terminal, into the same session) without a question: the new key is on file.
	again := startJoin(t, "--config-dir", partnerDir, h.addr)
	again.typeText(t, "echo known-$((2+3))\r")
	again.out.WaitFor(t, "known-5")
	if strings.Contains(again.out.String(), "yes/no") {
		t.Error("asked again after the replace")
	}
}
