# One command per chore. CI runs `make test`, `make test-windows` and `make package` with
# the .deb installed and tried (see .ci/run).
GO        ?= go
BIN       := bin/duet
PKGS      := ./...
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FYNE      := fyne.io/tools/cmd/fyne@v1.7.4
FUZZTIME  ?= 20s
BENCHTIME ?= 1s

.PHONY: all run build deps deps-test test test-xterm test-windows lint fuzz bench bench-wan package package-check clean

all: build

deps:
	@bash scripts/deps.sh build

deps-test:
	@bash scripts/deps.sh test

build: deps
	$(GO) build -o $(BIN) ./cmd/duet

# `make run` opens the window; on a Linux or BSD machine with no display it says so and
# hosts the login shell from this terminal instead (macOS always has its desktop).
run: build
	@if [ "$$(uname -s)" != Darwin ] && [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "make run: no display (DISPLAY and WAYLAND_DISPLAY are empty), so hosting from this terminal with 'duet host' instead"; \
	  exec ./$(BIN) host; \
	fi; exec ./$(BIN)

# Everything CI checks: formatting, vet, staticcheck, then every test with the race detector.
test: deps-test lint
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m $(PKGS)

# The xterm differential tests of terminal/vt: an xterm per case under Xvfb, minutes, so
# not in make test; CI runs them.
test-xterm: deps-test
	DUET_XTERM_ORACLE=1 $(GO) test -count=1 -timeout 20m -run 'Xterm' ./terminal/vt/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

# Runs every fuzz target for FUZZTIME each.
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
	  dir=$$(dirname $$f); \
	  for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
	    echo "== $$dir $$t"; $(GO) test -run=NONE -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) ./$$dir; \
	  done; done

bench: deps-test build
	$(GO) test -run=NONE -bench=. -benchmem -benchtime=$(BENCHTIME) ./terminal/vt/
	$(GO) test -run=NONE -bench=. -benchtime=$(BENCHTIME) ./terminal/
	xvfb-run -a -s "-noreset -screen 0 1280x800x24" ./$(BIN) term --flood 100 2>/dev/null
	xvfb-run -a -s "-noreset -screen 0 1280x800x24" ./$(BIN) term --latency 100 2>/dev/null
	cfg=$$(mktemp -d) && SHELL=/bin/sh xvfb-run -a -s "-noreset -screen 0 1280x800x24" ./$(BIN) --config-dir $$cfg --listen 127.0.0.1:0 --flood 100 2>/dev/null | grep '^window flood'; rm -rf $$cfg
	$(GO) test -run=NONE -bench=. -benchtime=$(BENCHTIME) -timeout 30m ./sessions/host/
	$(MAKE) bench-wan

# Far-away partners: Duet (with an OpenSSH and a duet join partner) and sshd + tmux, each
# through a userspace WAN proxy (75 ms each way, 10 and 1 Mbit/s, a router's buffer) next to
# a partner on loopback. It waits on the network, not the CPU: about four minutes.
# WAN_SAMPLES sets the echo samples per row.
WAN_SAMPLES ?= 30
bench-wan: deps-test
	DUET_WAN_SAMPLES=$(WAN_SAMPLES) $(GO) test -run=NONE -bench=WAN -benchtime=1x -timeout 20m ./cmd/duet/

# The Windows build, made and tested here: go vet for Windows and macOS, the core packages'
# tests under Wine, duet.exe cross-compiled with cgo (mingw-w64) hosting a Linux OpenSSH
# partner in a pseudo console and opening its window under Wine on Xvfb (a screenshot in
# bin/windows/window.png). See scripts/test-windows.sh.
test-windows:
	@GO=$(GO) bash scripts/test-windows.sh

# dist/duet_VERSION_amd64.deb, dist/duet_VERSION_windows_amd64.zip and dist/Duet.tar.xz
# (the fyne tool's Linux package). See scripts/package.sh.
package: deps
	@GO=$(GO) FYNE=$(FYNE) bash scripts/package.sh

# Installs the .deb made by `make package` on this machine, runs the installed duet (its
# version, and the window started from the installed .desktop file on Xvfb), and removes
# it again. CI runs it; it needs root (or sudo).
package-check:
	@bash scripts/package-check.sh

clean:
	rm -rf bin dist
