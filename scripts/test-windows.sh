#!/usr/bin/env bash
# make test-windows: Duet's Windows build, made and tested on Linux.
#   - go vet for Windows (all packages; cmd/duet with cgo through mingw-w64) and for macOS
#     (the packages that need no cgo there: Fyne's need the Mac's own compiler)
#   - the tests of the packages without a window (terminal/vt, keys, sessions, internal;
#     not the layout test, which needs the go tool), built for Windows and run under Wine
#   - duet.exe, cross-compiled with cgo (mingw-w64), under Wine: `duet.exe host` serves
#     cmd.exe to a Linux OpenSSH partner, and the window opens on Xvfb (screenshot in
#     bin/windows/window.png)
# Wine 8 (Debian 12) lacks bcryptprimitives.dll, without which no Go 1.24+ program
# starts: scripts/wine/bcryptprimitives.c is a stand-in, built here with mingw-w64.
set -euo pipefail
cd "$(dirname "$0")/.."
GO="${GO:-go}"
bash scripts/deps.sh windows

out=bin/windows
mkdir -p "$out"
export WINEPREFIX="${DUET_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/duet/wine}"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" # no .NET or Gecko installers
cross=(env GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc)
start=$SECONDS
step() { echo "== $* ($((SECONDS - start)) s)"; }

step "go vet for Windows"
"${cross[@]}" "$GO" vet ./...
step "go vet for macOS (packages without Fyne)"
# shellcheck disable=SC2046
GOOS=darwin CGO_ENABLED=0 "$GO" vet $(GOOS=darwin "$GO" list -f '{{.ImportPath}} {{join .Deps " "}}' ./... 2>/dev/null | grep -v 'fyne\.io/' | cut -d' ' -f1)

step "Wine prefix $WINEPREFIX"
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$out/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  mkdir -p "$WINEPREFIX"
  wineboot -i >/dev/null 2>&1
  wineserver -w # until the new prefix's first start is over
fi
cp "$out/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
cleanup() {
  wineserver -k >/dev/null 2>&1 || true
  rm -rf "$WINEPREFIX"/drive_c/users/*/Temp/* 2>/dev/null || true
}
trap cleanup EXIT

step "tests under Wine"
# shellcheck disable=SC2046
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" test -count=1 -timeout 15m -exec "$PWD/scripts/wine-exec.sh" \
  $("$GO" list ./terminal/vt/... ./keys/... ./sessions/... ./internal/... | grep -v -e /internal/winetest -e /internal/layout)

step "duet.exe (cgo with mingw-w64)"
"${cross[@]}" "$GO" build -o "$out/duet.exe" ./cmd/duet
step "duet.exe under Wine: hosting an OpenSSH partner, the window on Xvfb"
DUET_WINE_EXE="$PWD/$out/duet.exe" DUET_WINE_SCREENSHOT="$PWD/$out/window.png" \
  "$GO" test -count=1 -v -timeout 10m ./internal/winetest
step "make test-windows passed; the window under Wine: $out/window.png"
