# One command per chore. CI runs `make test` (see .ci/run).
GO        ?= go
BIN       := bin/duet
PKGS      := ./...
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME  ?= 20s
BENCHTIME ?= 1s

.PHONY: all run build deps deps-test test lint fuzz bench package clean

all: build

deps:
	@bash scripts/deps.sh build

deps-test:
	@bash scripts/deps.sh test

build: deps
	$(GO) build -o $(BIN) ./cmd/duet

# Until the window exists, `make run` hosts the login shell from this terminal.
run: build
	./$(BIN) host

# Everything CI checks: formatting, vet, staticcheck, then every test with the race detector.
test: deps-test lint
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m $(PKGS)

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
	$(GO) test -run=NONE -bench=. -benchtime=$(BENCHTIME) -timeout 30m ./sessions/

clean:
	rm -rf bin dist
