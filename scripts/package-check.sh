#!/usr/bin/env bash
# make package-check: installs dist/duet_*_amd64.deb on this machine the way a user would
# (apt, so its declared dependencies are pulled in), checks the installed files, runs the
# installed duet (its version; the window started from the installed .desktop file's Exec
# line on a private X server, until it hosts and draws), and removes the package again.
# CI runs it after make package. Needs root, or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
deb=$(ls dist/duet_*_amd64.deb 2>/dev/null | tail -n 1)
[ -n "$deb" ] || { echo "package-check: no dist/duet_*_amd64.deb; run make package first" >&2; exit 1; }
version=$(dpkg-deb -f "$deb" Version)
id=io.github.duetpair.duet
if dpkg-query -W -f='${Status}' duet 2>/dev/null | grep -q 'install ok installed'; then
  echo "package-check: duet is installed already; remove it first (apt remove duet)" >&2
  exit 1
fi
work=$(mktemp -d)
cleanup() {
  if [ -n "${win:-}" ]; then kill "$win" 2>/dev/null || true; wait "$win" 2>/dev/null || true; fi
  if [ -n "${xvfb:-}" ]; then kill "$xvfb" 2>/dev/null || true; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq duet >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== apt install ./$deb"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null
for f in /usr/bin/duet /usr/share/applications/$id.desktop /usr/share/metainfo/$id.metainfo.xml \
  /usr/share/icons/hicolor/48x48/apps/$id.png /usr/share/icons/hicolor/512x512/apps/$id.png; do
  [ -e "$f" ] || { echo "package-check: $f is not installed" >&2; exit 1; }
done
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "/usr/share/applications/$id.desktop" | grep -v '^.*: hint:' || true
fi

echo "== duet version"
got=$(duet version)
[ "$got" = "duet $version" ] || { echo "package-check: duet version says '$got', want 'duet $version'" >&2; exit 1; }

echo "== the window, started from the desktop file"
exec_line=$(sed -n 's/^Exec=//p' "/usr/share/applications/$id.desktop" | sed 's/ *%[fFuU]//')
exec 3< <(Xvfb -displayfd 1 -noreset -screen 0 1280x800x24 -nolisten tcp 2>/dev/null & echo "pid $!")
read -r _ xvfb <&3
read -r display <&3
export DISPLAY=":$display"
mkdir -p "$work/home"
# The desktop's environment, with its own home and config dir; a shell for the session.
HOME="$work/home" XDG_RUNTIME_DIR="$work" SHELL=/bin/sh DUET_CONFIG_DIR="$work/cfg" \
  $exec_line --listen 127.0.0.1:0 >"$work/out" 2>"$work/log" &
win=$!
shot="$work/window.png"
# Drawn means the session is on screen: its entry selected in the sidebar (the pixel
# there differs from the empty sidebar's below it), not only "listening on" printed
# before the next frame.
pixel() { convert "$shot" -format "%[pixel:p{$1}]" info:; }
for _ in $(seq 1 600); do # up to a minute: the first start draws fonts and GL
  if grep -q '^listening on ' "$work/out" && import -window root "$shot" 2>/dev/null &&
    [ "$(convert "$shot" -format '%k' info:)" -ge 16 ] && [ "$(pixel 116,150)" != "$(pixel 116,450)" ]; then
    mkdir -p dist && cp "$shot" dist/window-deb.png
    echo "package-check: the installed Duet hosts and draws its window (dist/window-deb.png)"
    exit 0
  fi
  kill -0 "$win" 2>/dev/null || { echo "package-check: the installed duet exited:" >&2; cat "$work/log" >&2; exit 1; }
  sleep 0.1
done
echo "package-check: the window did not draw within a minute; its log:" >&2
cat "$work/log" >&2
exit 1
