package paydeck

import (
	"errors"
	"fmt"
)

// Error codes. The set is closed: every error a caller can see maps to one of
// these, and transports (HTTP, admin UI) translate each to a status once.
const (
	// CodeInvalid means the request was malformed or broke a domain rule.
	CodeInvalid = "invalid"
	// CodeNotFound means the thing asked for does not exist (or is not visible).
	CodeNotFound = "not_found"
	// CodeConflict means the request clashes with the current state: a
	// duplicate unique value, a forbidden status transition, no stock left.
	CodeConflict = "conflict"
	// CodeUnauthorized means the caller is not authenticated.
	CodeUnauthorized = "unauthorized"
	// CodeForbidden means the caller is authenticated but not allowed.
	CodeForbidden = "forbidden"
	// CodeUnavailable means a dependency (database, Toss) is unavailable;
	// retrying later may succeed.
	CodeUnavailable = "unavailable"
	// CodeInternal means a bug or an unexpected failure. Its message is never
	// shown to a user; ErrorMessage returns a generic text instead.
	CodeInternal = "internal"
)

// Error is an application error whose Message is safe to show to a user.
// It never carries secrets or internal details; wrap those in a separate error
// for logging instead.
type Error struct {
	// Code is one of the Code* constants.
	Code string
	// Message is a human-readable, user-safe explanation.
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("paydeck error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted, user-safe
// message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for a nil
// err, and CodeInternal for any other error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, "" for a nil err, and the generic "Internal error." for any other
// error (whose text may contain details a user must not see).
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// TransitionError reports a status change that the state machine of Entity
// does not allow. It unwraps to an *Error with CodeConflict, so ErrorCode and
// ErrorMessage treat it as a conflict.
type TransitionError struct {
	// Entity is "order", "payment" or "refund".
	Entity string
	// From is the current status.
	From string
	// To is the refused target status.
	To string
}

// Error implements the error interface.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s status cannot change from %s to %s", e.Entity, e.From, e.To)
}

// Unwrap returns the equivalent conflict *Error.
func (e *TransitionError) Unwrap() error {
	return &Error{Code: CodeConflict, Message: e.Error() + "."}
}
