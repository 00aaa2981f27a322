// Package layout holds no code of its own: its tests check the dependency rules of
// SPEC section 2 and ARCHITECTURE.md (which packages may import which, Fyne and SSH included).
package layout
