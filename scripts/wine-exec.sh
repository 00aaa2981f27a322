#!/usr/bin/env bash
# Runs a Windows program under Wine, for `go test -exec` in scripts/test-windows.sh (which
# sets WINEPREFIX). Wine's own diagnostics are left out.
export WINEDEBUG="${WINEDEBUG:--all}"
exec wine "$@"
