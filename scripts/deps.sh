#!/usr/bin/env bash
# Installs the system packages Duet needs on Debian/Ubuntu, skipping those already present.
#   scripts/deps.sh build   what the window needs to compile (GL, X11, Wayland headers)
#   scripts/deps.sh test    the above plus what the tests drive (OpenSSH, tmux, xterm, Xvfb)
#   scripts/deps.sh windows what make test-windows needs: mingw-w64 (cross-compiling with
#                           cgo), Wine, and Xvfb and OpenSSH for the tests under Wine
#   scripts/deps.sh package what make package needs besides the build (icon sizes, .deb)
set -euo pipefail

build_pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev)
test_pkgs=(openssh-client openssh-server putty-tools dropbear-bin tmux xterm xvfb xauth xdotool imagemagick vim-tiny less procps bash asciinema)
windows_pkgs=(gcc-mingw-w64-x86-64-win32 wine wine64 openssh-client xvfb imagemagick)
package_pkgs=(imagemagick dpkg-dev gcc-mingw-w64-x86-64-win32 zip desktop-file-utils xvfb xauth)

case "${1:-test}" in
build) want=("${build_pkgs[@]}") ;;
test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
windows) want=("${windows_pkgs[@]}") ;;
package) want=("${build_pkgs[@]}" "${package_pkgs[@]}") ;;
*) echo "usage: $0 build|test|windows|package" >&2; exit 2 ;;
esac

# macOS: Fyne needs only the Xcode command line tools' compiler and the system's
# frameworks; there is no apt-get, and the tests' tools are Homebrew's to install.
if [ "$(uname -s)" = Darwin ]; then
  if ! xcode-select -p >/dev/null 2>&1; then
    echo "deps: install the Xcode command line tools first: xcode-select --install" >&2
    exit 1
  fi
  exit 0
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "deps: missing ${missing[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
