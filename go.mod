module github.com/duetpair/duet

go 1.26.0

require (
	github.com/mattn/go-runewidth v0.0.31
	golang.org/x/crypto v0.58.0
)

require (
	github.com/clipperhouse/uax29/v2 v2.2.0 // indirect
	github.com/creack/pty v1.1.24 // indirect
	github.com/hinshun/vt10x v0.0.0-20220301184237-5011da428d02 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/term v0.47.0 // indirect
)
