// Package winetest holds the tests of Duet's Windows build that run it under Wine from
// Linux (make test-windows): `duet.exe host` serving a pseudo console (ConPTY) to a
// Linux OpenSSH partner, and the window on a private X server with a screenshot. They
// skip unless DUET_WINE_EXE names the duet.exe to run (scripts/test-windows.sh sets it,
// with WINEPREFIX).
//
// Package winetest imports none of Duet's packages: it drives the binary from outside.
package winetest
