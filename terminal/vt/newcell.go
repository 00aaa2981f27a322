package vt

// NewCell returns a cell showing r, a character one column wide, drawn with st: for a
// widget that draws something the screen does not hold yet (a predicted echo).
func NewCell(r rune, st Style) Cell {
	st.Attr &^= hiddenFlags
	return Cell{r: r, st: st}
}
