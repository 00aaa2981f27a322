// Command duet is the Duet binary: the window when run without arguments,
// and the headless subcommands of SPEC section 7 (host, keygen, approve, version). It only
// wires packages together; each command lives in a file of its own.
package main

import "os"

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(newCLI().run(os.Args[1:]))
}
