package account

import (
	"bufio"
	_ "embed"
	"strings"
	"unicode/utf8"

	"github.com/paydeck/paydeck/auth"
)

// MinPasswordLen is the fewest characters a new password may have.
const MinPasswordLen = 10

//go:embed common-passwords.txt
var commonList string

// common is commonList as a set.
var common = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonList))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "# ") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// PolicyReason says which password rule was broken.
type PolicyReason string

// Reasons of a PolicyError.
const (
	PasswordTooShort PolicyReason = "too_short"
	PasswordTooLong  PolicyReason = "too_long"
	PasswordIsEmail  PolicyReason = "is_email"
	PasswordCommon   PolicyReason = "common"
)

// PolicyError is a new password that breaks the policy. Its text is safe
// to show and never contains the password.
type PolicyError struct{ Reason PolicyReason }

func (e *PolicyError) Error() string {
	switch e.Reason {
	case PasswordTooShort:
		return "The password must have at least 10 characters."
	case PasswordTooLong:
		return "The password must have at most 1024 bytes."
	case PasswordIsEmail:
		return "The password must not be your email address."
	default:
		return "This password is too common; choose another."
	}
}

// CheckPasswordPolicy returns a *PolicyError when password may not be set
// for an account with email: fewer than MinPasswordLen characters, more
// than auth.MaxPasswordLen bytes, the email or its part before '@'
// (ignoring case and surrounding space), or a common password.
func CheckPasswordPolicy(email, password string) error {
	lower := strings.ToLower(strings.TrimSpace(password))
	email = strings.ToLower(strings.TrimSpace(email))
	local, _, _ := strings.Cut(email, "@")
	switch {
	case len(password) > auth.MaxPasswordLen:
		return &PolicyError{PasswordTooLong}
	case utf8.RuneCountInString(password) < MinPasswordLen:
		return &PolicyError{PasswordTooShort}
	case lower == email || (local != "" && lower == local):
		return &PolicyError{PasswordIsEmail}
	case common[lower]:
		return &PolicyError{PasswordCommon}
	}
	return nil
}
