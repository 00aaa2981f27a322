package vt

import "sync"

// internTable gives small ids to strings (characters with combining marks, hyperlink
// targets) so cells can stay fixed-size. It is shared by every Screen and safe for
// concurrent use.
//
// Its memory is bounded whatever a program prints: it holds at most maxCount strings of
// maxBytes in all, and when full it forgets the oldest (first in, first out), as tmux
// does with its hyperlinks. Ids are handed out in turn and come round again only after
// idSpace more strings, so a cell that still holds a forgotten id reads as unknown
// (U+FFFD, no link) rather than as someone else's string, until then.
type internTable struct {
	maxCount int
	maxBytes int
	idSpace  int32

	mu    sync.RWMutex     // guards the fields below
	ids   map[string]int32 // the strings held, by content
	strs  map[int32]string // the same, by id
	next  int32            // the id the next new string gets
	bytes int              // the length of the strings held
}

func (t *internTable) id(s string) (int32, bool) {
	if len(s) > t.maxBytes {
		return 0, false
	}
	t.mu.RLock()
	id, ok := t.ids[s]
	t.mu.RUnlock()
	if ok {
		return id, true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids[s]; ok {
		return id, true
	}
	if t.ids == nil {
		t.ids, t.strs = make(map[string]int32), make(map[int32]string)
	}
	// The strings held have the ids just before next: the oldest is next-len.
	for len(t.strs) > 0 && (len(t.strs) >= t.maxCount || t.bytes+len(s) > t.maxBytes) {
		oldest := (t.next - int32(len(t.strs)) + t.idSpace) % t.idSpace
		old := t.strs[oldest]
		delete(t.strs, oldest)
		delete(t.ids, old)
		t.bytes -= len(old)
	}
	id = t.next
	t.next = (t.next + 1) % t.idSpace
	t.ids[s], t.strs[id] = id, s
	t.bytes += len(s)
	return id, true
}

// lookup returns the string of id; false if it was forgotten.
func (t *internTable) lookup(id int32) (string, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	s, ok := t.strs[id]
	return s, ok
}

// get returns the string of id, U+FFFD if it was forgotten.
func (t *internTable) get(id int32) string {
	if s, ok := t.lookup(id); ok {
		return s
	}
	return "\uFFFD"
}

var (
	// graphemes holds characters with combining marks (each at most 32 bytes); a cell's
	// rune is graphemeBase+id, so ids stay below 1<<30.
	graphemes = internTable{maxCount: 16 << 10, maxBytes: 512 << 10, idSpace: 1 << 30}
	// links holds "params;uri" of OSC 8 hyperlinks (each at most maxTitle bytes);
	// Style.Link is id+1, a uint16.
	links = internTable{maxCount: 4 << 10, maxBytes: 1 << 20, idSpace: 1<<16 - 1}
)

// Link returns the target URI and the OSC 8 parameters (such as "id=x") of a hyperlink id
// from Style.Link; ok is false for 0, and for a link forgotten since (see internTable).
func Link(id uint16) (uri, params string, ok bool) {
	if id == 0 {
		return "", "", false
	}
	s, ok := links.lookup(int32(id) - 1)
	if !ok {
		return "", "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ';' {
			return s[i+1:], s[:i], true
		}
	}
	return s, "", true
}
