// Command duet is the Duet binary: the window when run without arguments, and the
// headless subcommands of SPEC section 7. It only wires packages together.
package main

import (
	"fmt"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) > 0 && args[0] == "version" {
		fmt.Println("duet", version)
		return 0
	}
	fmt.Fprintln(os.Stderr, "duet: the window and the host command are not built yet; try 'duet version'")
	return 2
}
