package sessions

// SizeTeller is a Link whose other end draws the session at exactly the size of the
// terminal its output is for (AttachOptions.TellSize): the client's writer calls
// TellSize before writing output for a size other than the last one told, first of all
// before the first output.
type SizeTeller interface {
	TellSize(cols, rows int)
}

// outputSize is the size of the terminal the client's output is for: its own while it
// sees a viewport of a larger session, else the session's. s.mu is held.
func (c *Client) outputSize() [2]int {
	if c.view != nil {
		return [2]int{c.view.Cols, c.view.Rows}
	}
	return [2]int{c.s.cols, c.s.rows}
}

// retell records the size the client's output is for from now on, for a client that
// tells it. Every change of it comes with a repaint (a resize of the session, a
// viewport given or taken), so the output taken after it is at that size. s.mu is held.
func (c *Client) retell() {
	if !c.tell {
		return
	}
	size := c.outputSize()
	c.mu.Lock()
	c.tellSize = size
	c.mu.Unlock()
}

// sizeToTell returns the size to tell before the output just taken (recorded as it was
// taken, so a resize right after cannot get ahead of it), and whether it differs from
// told (which it updates).
func (c *Client) sizeToTell(told *[2]int) ([2]int, bool) {
	if !c.tell {
		return [2]int{}, false
	}
	c.mu.Lock()
	size := c.takenSize
	c.mu.Unlock()
	if size == *told || size[0] <= 0 || size[1] <= 0 {
		return size, false
	}
	*told = size
	return size, true
}
