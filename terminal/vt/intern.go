package vt

import "sync"

// maxInterned bounds the process-wide tables of graphemes and hyperlinks. A program that
// prints more distinct ones than this gets the base character only, or no link: memory
// stays bounded whatever the session prints.
const maxInterned = 1<<16 - 1

// internTable gives small stable ids to strings (characters with combining marks, hyperlink
// targets) so cells can stay fixed-size. It is shared by every Screen and safe for
// concurrent use.
type internTable struct {
	mu   sync.RWMutex
	ids  map[string]int32 // guarded by mu
	strs []string         // guarded by mu; strs[id]
}

func (t *internTable) id(s string) (int32, bool) {
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
	if len(t.strs) >= maxInterned {
		return 0, false
	}
	if t.ids == nil {
		t.ids = make(map[string]int32)
	}
	id = int32(len(t.strs))
	t.ids[s] = id
	t.strs = append(t.strs, s)
	return id, true
}

func (t *internTable) get(id int32) string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if id < 0 || int(id) >= len(t.strs) {
		return "\uFFFD"
	}
	return t.strs[id]
}

var (
	graphemes internTable
	// links holds "params;uri" of OSC 8 hyperlinks; Style.Link is id+1.
	links internTable
)

// Link returns the target URI and the OSC 8 parameters (such as "id=x") of a hyperlink id
// from Style.Link; ok is false for 0.
func Link(id uint16) (uri, params string, ok bool) {
	if id == 0 {
		return "", "", false
	}
	s := links.get(int32(id) - 1)
	for i := 0; i < len(s); i++ {
		if s[i] == ';' {
			return s[i+1:], s[:i], true
		}
	}
	return s, "", true
}
