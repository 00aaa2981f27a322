#!/usr/bin/env bash
# make package: Duet's installable packages, in dist/:
#   duet_VERSION_amd64.deb   Debian/Ubuntu: /usr/bin/duet, the .desktop file, the icon in
#                            the hicolor sizes, AppStream metadata; dependencies declared
#                            from the libraries the binary links
#   duet_VERSION_windows_amd64.zip   duet.exe (cross-compiled with cgo by mingw-w64, the
#                            icon embedded) and duet.ico
#   Duet.tar.xz              the fyne tool's Linux package (binary, .desktop, icon, Makefile)
# The version is FyneApp.toml's. Needs the build's packages and scripts/deps.sh package.
set -euo pipefail
cd "$(dirname "$0")/.."
GO="${GO:-go}"
FYNE="${FYNE:-fyne.io/tools/cmd/fyne@v1.7.4}"
bash scripts/deps.sh package
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
id=io.github.duetpair.duet
ldflags="-X main.version=$version"
mkdir -p dist bin
stage=$(mktemp -d)
trap 'rm -rf "$stage"; rm -f cmd/duet/rsrc_windows_amd64.syso' EXIT

echo "== bin/duet $version"
"$GO" build -ldflags "$ldflags" -o bin/duet ./cmd/duet

echo "== dist/duet_${version}_amd64.deb"
root=$stage/deb
install -D -m 0755 bin/duet "$root/usr/bin/duet"
install -D -m 0644 "packaging/linux/$id.desktop" "$root/usr/share/applications/$id.desktop"
install -d "$root/usr/share/metainfo"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -u +%Y-%m-%d)/" "packaging/linux/$id.metainfo.xml" \
  >"$root/usr/share/metainfo/$id.metainfo.xml"
for size in 16 24 32 48 64 128 256 512; do
  dir="$root/usr/share/icons/hicolor/${size}x${size}/apps"
  install -d "$dir"
  convert assets/icon.png -resize "${size}x${size}" -strip "PNG32:$dir/$id.png"
done
install -D -m 0644 /dev/null "$root/usr/share/doc/duet/copyright"
printf 'Duet %s\nhttps://github.com/duetpair/duet\n' "$version" >"$root/usr/share/doc/duet/copyright"
# Depends: the packages that hold the shared libraries bin/duet links (dpkg-shlibdeps).
mkdir -p "$stage/shlibs/debian"
printf 'Source: duet\n\nPackage: duet\nArchitecture: amd64\n' >"$stage/shlibs/debian/control"
depends=$(cd "$stage/shlibs" && dpkg-shlibdeps -O "$root/usr/bin/duet" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package: could not work out the .deb's dependencies" >&2; exit 1; }
# GLFW opens the X11 and Wayland libraries at run time (dlopen), which dpkg-shlibdeps
# cannot see.
depends="$depends, libx11-6, libx11-xcb1, libxcursor1, libxext6, libxi6, libxinerama1, libxrandr2, libxrender1, libxxf86vm1, libwayland-cursor0, libwayland-egl1, libxkbcommon0"
install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: duet
Version: $version
Architecture: amd64
Maintainer: Duet developers <duet@duetpair.github.io>
Depends: $depends
Recommends: openssh-client
Section: devel
Priority: optional
Homepage: https://github.com/duetpair/duet
Installed-Size: $(du -sk "$root" | cut -f1)
Description: pair programming over SSH, as a desktop app
 The host opens Duet: a shared terminal session starts in the window and is
 served to partners by an SSH server built into the app. Partners join with
 their own Duet or plain OpenSSH, after the host approves their key.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$root" "dist/duet_${version}_amd64.deb" >/dev/null

echo "== dist/duet_${version}_windows_amd64.zip"
win=$stage/win/Duet
mkdir -p "$win"
convert assets/icon.png -define icon:auto-resize=256,128,64,48,32,16 "$win/duet.ico"
# The icon goes into duet.exe as a Windows resource, linked from a .syso next to main.
printf '1 ICON "%s"\n' "$win/duet.ico" >"$stage/duet.rc"
x86_64-w64-mingw32-windres -O coff -i "$stage/duet.rc" -o cmd/duet/rsrc_windows_amd64.syso
GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc \
  "$GO" build -ldflags "$ldflags" -o "$win/duet.exe" ./cmd/duet
rm -f cmd/duet/rsrc_windows_amd64.syso
cp packaging/windows/README.txt "$win/README.txt"
rm -f "dist/duet_${version}_windows_amd64.zip"
(cd "$stage/win" && zip -q -r -9 - Duet) >"dist/duet_${version}_windows_amd64.zip"

echo "== dist/Duet.tar.xz"
# The fyne tool wants a Go main package beside FyneApp.toml, and ours is cmd/duet: it
# packages the binary built above from a staging directory.
tar=$stage/tar
mkdir -p "$tar/assets"
cp FyneApp.toml "$tar/"
cp assets/icon.png "$tar/assets/"
cp bin/duet "$tar/duet"
printf 'package main\n\nfunc main() {}\n' >"$tar/main.go"
(cd "$tar" && "$GO" run "$FYNE" package --os linux --executable ./duet --release >/dev/null)
mv "$tar/Duet.tar.xz" dist/Duet.tar.xz

ls -l dist/
echo "install: sudo apt install ./dist/duet_${version}_amd64.deb; on Windows unzip duet_${version}_windows_amd64.zip"
