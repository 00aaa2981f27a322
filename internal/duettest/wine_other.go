//go:build !windows

package duettest

// UnderWine reports whether the test runs under Wine: never, outside Windows builds.
func UnderWine() bool { return false }
