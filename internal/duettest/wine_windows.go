package duettest

import (
	"sync"

	"golang.org/x/sys/windows"
)

var underWine = sync.OnceValue(func() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
})

// UnderWine reports whether the test runs under Wine (its ntdll has wine_get_version).
func UnderWine() bool { return underWine() }
