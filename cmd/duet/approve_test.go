package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// duetProcess runs the duet binary with args and stdin, and returns its exit code and
// standard error; it fails the test if duet has not exited after duettest.Timeout.
func duetProcess(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), duettest.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DUET_TEST_AS_DUET=1")
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("duet %s did not exit; stderr %q", args[0], stderr.String())
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// Attack (or just a busy host): 30 duet approve processes at once, and revokes racing
// approves. No entry is lost, and a revoked key stays revoked.
func TestConcurrentApprovedKeysWriters(t *testing.T) {
	dir := t.TempDir()
	approved := keys.NewStore(dir).Approved()
	pubs := make([]string, 30)
	for i := range pubs {
		_, pubs[i] = newKeyFile(t)
	}
	var wg sync.WaitGroup
	for _, pub := range pubs {
		wg.Go(func() {
			if code, stderr := duetProcess(t, pub, "approve", "--config-dir", dir, "-"); code != 0 {
				t.Errorf("approve: %d %q", code, stderr)
			}
		})
	}
	wg.Wait()
	if es, err := approved.List(); err != nil || len(es) != len(pubs) {
		t.Fatalf("%d of %d concurrent approves saved (%v)", len(es), len(pubs), err)
	}

	for round := range 5 {
		_, victim := newKeyFile(t)
		if code, stderr := duetProcess(t, victim, "approve", "--config-dir", dir, "-"); code != 0 {
			t.Fatal(stderr)
		}
		fp := keyFingerprint(t, victim)
		others := make([]string, 5)
		for i := range others {
			_, others[i] = newKeyFile(t)
		}
		wg.Go(func() {
			if code, stderr := duetProcess(t, "", "revoke", "--config-dir", dir, fp); code != 0 {
				t.Errorf("revoke: %d %q", code, stderr)
			}
		})
		for _, pub := range others {
			wg.Go(func() {
				if code, stderr := duetProcess(t, pub, "approve", "--config-dir", dir, "-"); code != 0 {
					t.Errorf("approve: %d %q", code, stderr)
				}
			})
		}
		wg.Wait()
		es, err := approved.List()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, e := range es {
			got[e.Fingerprint()] = true
		}
		if got[fp] {
			t.Fatalf("round %d: the revoked key is back after a concurrent approve", round)
		}
		for _, pub := range others {
			if !got[keyFingerprint(t, pub)] {
				t.Fatalf("round %d: an approve racing a revoke was lost", round)
			}
		}
		if want := len(pubs) + 5*(round+1); len(es) != want {
			t.Fatalf("round %d: %d keys, want %d", round, len(es), want)
		}
	}
}

// keyFingerprint returns the fingerprint of the public key line pub.
func keyFingerprint(t *testing.T, pub string) string {
	t.Helper()
	es, errs := keys.ParsePublicKeys("key", []byte(pub))
	if len(es) != 1 {
		t.Fatalf("not a key: %v", errs)
	}
	return es[0].Fingerprint()
}
