//go:build !unix

package keys

// checkPath does nothing where files are protected by ACLs (Windows): the user's
// profile dirs are private by default.
func checkPath(path string, kind fileKind) error { return nil }
