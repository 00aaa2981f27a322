// Package layout holds no code of its own: its tests check the dependency rules of
// SPEC section 2 (which packages may import Fyne, and which are leaves).
package layout
