//go:build !race

package main

// memoryFactor is how much more memory a process built with the race detector takes.
const memoryFactor = 1
