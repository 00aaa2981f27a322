# One command per chore. CI runs `make test` (see .ci/run).
GO        ?= go
BIN       := bin/duet
PKGS      := ./...
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FYNE      := fyne.io/tools/cmd/fyne@v1.7.4
FUZZTIME  ?= 20s
BENCHTIME ?= 1s

.PHONY: all run build deps deps-test test test-xterm lint fuzz bench package clean

all: build

deps:
	@bash scripts/deps.sh build

deps-test:
	@bash scripts/deps.sh test

build: deps
	$(GO) build -o $(BIN) ./cmd/duet

# `make run` opens the window; on a machine with no display it says so and hosts the login
# shell from this terminal instead.
run: build
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
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
	xvfb-run -a -s "-screen 0 1280x800x24" ./$(BIN) term --flood 100 2>/dev/null
	xvfb-run -a -s "-screen 0 1280x800x24" ./$(BIN) term --latency 100 2>/dev/null
	cfg=$$(mktemp -d) && SHELL=/bin/sh xvfb-run -a -s "-screen 0 1280x800x24" ./$(BIN) --config-dir $$cfg --listen 127.0.0.1:0 --flood 100 2>/dev/null | grep '^window flood'; rm -rf $$cfg
	$(GO) test -run=NONE -bench=. -benchtime=$(BENCHTIME) -timeout 30m ./sessions/host/

# A Linux desktop package, dist/Duet.tar.xz (the binary, a .desktop file and the icon, with
# a Makefile to install them), made by the fyne tool from FyneApp.toml. The tool wants a Go
# main package beside FyneApp.toml, and ours is cmd/duet: it packages the binary built
# above from a staging directory.
package: build
	@set -e; stage=$$(mktemp -d); trap 'rm -rf $$stage' EXIT; \
	  mkdir -p $$stage/assets dist; \
	  cp FyneApp.toml $$stage/; cp assets/icon.png $$stage/assets/; cp $(BIN) $$stage/duet; \
	  printf 'package main\n\nfunc main() {}\n' > $$stage/main.go; \
	  (cd $$stage && $(GO) run $(FYNE) package --os linux --executable ./duet --release); \
	  mv $$stage/Duet.tar.xz dist/Duet.tar.xz
	@echo "dist/Duet.tar.xz: unpack it and run 'sudo make install' in it to install Duet"

clean:
	rm -rf bin dist
