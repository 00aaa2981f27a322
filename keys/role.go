package keys

import "fmt"

// Role says what an approved partner may do in a session.
type Role uint8

const (
	// RoleDefault means no role is stored for the key: the host's default applies
	// (see [Role.Or]).
	RoleDefault Role = iota
	// RoleType lets the partner type into the session.
	RoleType
	// RoleView lets the partner watch only; their input is dropped.
	RoleView
)

// roleOption is the authorized_keys option that stores a role.
const roleOption = "duet-role"

// String returns "type", "view" or "default": the value of the duet-role option.
func (r Role) String() string {
	switch r {
	case RoleDefault:
		return "default"
	case RoleType:
		return "type"
	case RoleView:
		return "view"
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// Or returns r, or def if r is RoleDefault.
func (r Role) Or(def Role) Role {
	if r == RoleDefault {
		return def
	}
	return r
}

// ParseRole reads a role written by [Role.String]: "type" or "view" ("default" too).
func ParseRole(s string) (Role, error) {
	switch s {
	case "type":
		return RoleType, nil
	case "view":
		return RoleView, nil
	case "default":
		return RoleDefault, nil
	}
	return RoleDefault, fmt.Errorf("unknown role %q (want type or view)", truncate(s, 20))
}
