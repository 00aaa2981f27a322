package app

import (
	"io"
)

// MeasureFlood is filled in by the benchmark work.
func (u *UI) MeasureFlood(mb int, out io.Writer) {}
