package urlscheme

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// classes is where a user's own URL handlers live: HKCU\Software\Classes\SCHEME.
const classes = `Software\Classes\`

// Register makes exe the handler of duet:// links for the current user. It reports
// whether anything changed: nothing does when exe is already the handler, so calling it
// every time the window opens costs a few registry reads (and follows the program
// when it moved).
func Register(exe string) (changed bool, err error) {
	return register(registry.CURRENT_USER, classes+Scheme, exe)
}

// Registered returns the command line the current user's desktop runs for duet://
// links, or "" when none is registered.
func Registered() (string, error) {
	return registered(registry.CURRENT_USER, classes+Scheme)
}

func register(root registry.Key, path, exe string) (bool, error) {
	if cmd, err := registered(root, path); err == nil && cmd == Command(exe) && hasMarker(root, path) {
		return false, nil
	}
	k, _, err := registry.CreateKey(root, path, registry.SET_VALUE)
	if err != nil {
		return false, fmt.Errorf("register duet:// links: %w", err)
	}
	defer k.Close()
	// The default value names the scheme; "URL Protocol" (empty) marks the key as one.
	if err := k.SetStringValue("", "URL:Duet invite"); err != nil {
		return false, fmt.Errorf("register duet:// links: %w", err)
	}
	if err := k.SetStringValue("URL Protocol", ""); err != nil {
		return false, fmt.Errorf("register duet:// links: %w", err)
	}
	icon, _, err := registry.CreateKey(root, path+`\DefaultIcon`, registry.SET_VALUE)
	if err == nil {
		_ = icon.SetStringValue("", `"`+exe+`",0`)
		icon.Close()
	}
	c, _, err := registry.CreateKey(root, path+`\shell\open\command`, registry.SET_VALUE)
	if err != nil {
		return false, fmt.Errorf("register duet:// links: %w", err)
	}
	defer c.Close()
	if err := c.SetStringValue("", Command(exe)); err != nil {
		return false, fmt.Errorf("register duet:// links: %w", err)
	}
	return true, nil
}

// hasMarker reports whether the scheme's key says it is a URL protocol.
func hasMarker(root registry.Key, path string) bool {
	k, err := registry.OpenKey(root, path, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue("URL Protocol")
	return err == nil
}

func registered(root registry.Key, path string) (string, error) {
	k, err := registry.OpenKey(root, path+`\shell\open\command`, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer k.Close()
	v, _, err := k.GetStringValue("")
	if errors.Is(err, registry.ErrNotExist) {
		return "", nil
	}
	return v, err
}
