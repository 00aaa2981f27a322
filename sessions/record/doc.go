// Package record writes and checks Duet's session recordings: asciicast v2 files (they
// play in asciinema and its web player) that also say who typed what and that anyone
// can check were not edited.
//
// A [Recorder] is a sessions.Tap: it gets the session's output, the input with who typed
// it (never input typed with echo off), size changes and marks, and writes them as
// asciicast v2 events as it goes, flushing and syncing the file about once a second so a
// crash loses at most the last second.
//
// Duet's additions use an event type players ignore, "x", whose data is an object:
//
//	[t, "x", {"input_by": NAME, "fp": FINGERPRINT}]   who typed the "i" event that follows
//	[t, "x", {"lines": N, "chain": H, "sig": S}]      a checkpoint (and with "end": true, the last line)
//
// Every line after the header is hash-chained: H(0) = SHA-256("duet recording v1\n" +
// header), H(n) = SHA-256(H(n-1) + line n), over the bytes of each line without its newline.
// A checkpoint, written after each flush, carries H of the line before it and the host
// key's signature of that hash; the header names the host key. [Verify] recomputes the
// chain, checks every signature and that the file ends with the end checkpoint: any byte
// changed, removed or added fails it, and it says which host key signed the file.
//
// Package record uses sessions (its Tap) and x/crypto/ssh (the host key's signatures).
package record
