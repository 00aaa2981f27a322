package vt

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// A stream of distinct hyperlinks and graphemes, as a hostile program (or a partner who
// may type) prints them, keeps the process-wide tables bounded: the oldest are forgotten,
// a forgotten link reads as no link, and new ones still work.
func TestInternBounded(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	before := heap()
	s := New(80, 24, Options{})
	pad := strings.Repeat("x", 2000)
	first := ""
	for i := range 100000 {
		uri := fmt.Sprintf("https://example.com/%d/%s", i, pad)
		if i == 0 {
			first = uri
		}
		fmt.Fprintf(s, "\x1b]8;;%s\x1b\\L\x1b]8;;\x1b\\e\u0301%c\u0302\r\n", uri, rune('a'+i%26))
		if i == 0 {
			// The link is on the screen while it is held.
			if got, _, ok := Link(s.cur.lines[0].cells[0].st.Link); !ok || got != first {
				t.Fatalf("first link = %q, %v", got, ok)
			}
		}
	}
	grown := int64(heap()) - int64(before)
	t.Logf("heap grew by %d KB for 100000 distinct 2 KB links", grown/1024)
	if grown > 16<<20 {
		t.Errorf("the screen's tables hold %d MB after 100000 distinct links", grown>>20)
	}
	links.mu.RLock()
	n, bytes := len(links.strs), links.bytes
	links.mu.RUnlock()
	if n > links.maxCount || bytes > links.maxBytes {
		t.Errorf("links table holds %d strings of %d bytes", n, bytes)
	}
	// The newest link works; the first one was forgotten and is no link, never another.
	_, y, _ := s.Cursor()
	if uri, _, ok := Link(s.cur.lines[y-1].cells[0].st.Link); !ok || !strings.HasPrefix(uri, "https://example.com/99999/") {
		t.Errorf("last link = %q, %v", uri, ok)
	}
	id, ok := links.id("params;" + first)
	if !ok {
		t.Fatal("a new link was refused")
	}
	for old := int32(0); old < 10; old++ {
		if uri, _, ok := Link(uint16(old + 1)); ok && old != id && uri == first {
			t.Errorf("forgotten link id %d reads as %q", old+1, uri)
		}
	}
}

// Forgotten ids come round again only after idSpace more strings.
func TestInternIDsInTurn(t *testing.T) {
	tab := internTable{maxCount: 3, maxBytes: 1 << 10, idSpace: 5}
	var got []int32
	for i := range 7 {
		id, _ := tab.id(fmt.Sprint("s", i))
		got = append(got, id)
	}
	if fmt.Sprint(got) != "[0 1 2 3 4 0 1]" {
		t.Fatalf("ids %v", got)
	}
	if _, ok := tab.lookup(2); ok {
		t.Fatal("id 2 still held with 3 newer strings")
	}
	if s, ok := tab.lookup(1); !ok || s != "s6" {
		t.Fatalf("id 1 = %q, %v", s, ok)
	}
	if id, _ := tab.id("s5"); id != 0 {
		t.Fatalf("a held string got a new id %d", id)
	}
	if _, ok := tab.id(strings.Repeat("x", 2<<10)); ok {
		t.Fatal("a string over the table's bytes was taken")
	}
}
