package paydeck

import (
	"strings"
	"time"
)

// Role is what a user may do.
type Role string

// Roles.
const (
	RoleCustomer Role = "customer"
	RoleAdmin    Role = "admin"
)

// User is an account. Email is unique, compared case-insensitively: the
// store keeps it lower-cased (NormalizeEmail).
type User struct {
	// ID is a UUID assigned by the store on create.
	ID    string `json:"id"`
	Email string `json:"email"`
	// PasswordHash is a bcrypt or argon2id hash; never serialised.
	PasswordHash string    `json:"-"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// NormalizeEmail returns email trimmed and lower-cased, the form in which
// emails are stored and compared.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Validate returns an invalid *Error naming the first broken rule: an email
// with one '@' and text on both sides, a password hash, a known role.
func (u *User) Validate() error {
	local, domain, ok := strings.Cut(strings.TrimSpace(u.Email), "@")
	switch {
	case !ok || local == "" || domain == "" || strings.Contains(domain, "@"):
		return Reasonf(CodeInvalid, ReasonEmailInvalid, "Email address is not valid.")
	case u.PasswordHash == "":
		return Errorf(CodeInvalid, "Password is required.")
	case u.Role != RoleCustomer && u.Role != RoleAdmin:
		return Errorf(CodeInvalid, "Role %q is not valid.", u.Role)
	}
	return nil
}
