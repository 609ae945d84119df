package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenIssuer is the "iss" claim of every token Tokens signs; Verify
// requires it.
const tokenIssuer = "paydeck"

// MinTokenKeyLen is the shortest signing key NewTokens accepts, in bytes.
const MinTokenKeyLen = 32

// ErrInvalidToken is returned by Verify for every token it refuses:
// malformed, signed with another key or algorithm, expired, or missing a
// claim. Its text never contains the token or the key.
var ErrInvalidToken = errors.New("invalid or expired token")

// Claims are what a verified bearer token says about its holder.
type Claims struct {
	// UserID is the "sub" claim: the User.ID the token was issued to.
	UserID string
	// Role is the user's role when the token was issued. It is a hint:
	// authorization reads the user's current role from the store.
	Role string
	// SessionID is the "sid" claim: the secret of the server-side session
	// the token belongs to (see package account); ending the session voids
	// the token.
	SessionID string
	// ExpiresAt is the "exp" claim, in UTC.
	ExpiresAt time.Time
}

// tokenClaims is the JWT payload: the registered claims plus the role.
type tokenClaims struct {
	Role      string `json:"role"`
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// Tokens issues and verifies HS256-signed JWT bearer tokens. It is safe
// for concurrent use.
type Tokens struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// NewTokens returns Tokens signing with key (at least MinTokenKeyLen
// bytes), valid for ttl (> 0), reading the time from now (nil means
// time.Now). The key is copied and never appears in errors or logs.
func NewTokens(key []byte, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	switch {
	case len(key) < MinTokenKeyLen:
		return nil, fmt.Errorf("token signing key must be at least %d bytes", MinTokenKeyLen)
	case ttl <= 0:
		return nil, errors.New("token lifetime must be positive")
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{key: append([]byte(nil), key...), ttl: ttl, now: now}, nil
}

// Issue returns a signed token for the user with the given role and
// session secret, and the time it expires (now + ttl, to the second).
func (t *Tokens) Issue(userID, role, sessionID string) (token string, expiresAt time.Time, err error) {
	now := t.now().Truncate(time.Second)
	expiresAt = now.Add(t.ttl)
	claims := tokenClaims{Role: role, SessionID: sessionID, RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    tokenIssuer,
		Subject:   userID,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(expiresAt),
	}}
	token, err = jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token: %w", err)
	}
	return token, expiresAt, nil
}

// Verify checks token's HS256 signature, issuer, expiry (against now) and
// claims (sub, role, sid) and returns them, or ErrInvalidToken. Whether the
// session still exists is the caller's check.
func (t *Tokens) Verify(token string) (Claims, error) {
	var c tokenClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithTimeFunc(t.now),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(tokenIssuer),
	)
	if err != nil || c.Subject == "" || c.Role == "" || c.SessionID == "" {
		return Claims{}, ErrInvalidToken
	}
	return Claims{UserID: c.Subject, Role: c.Role, SessionID: c.SessionID, ExpiresAt: c.ExpiresAt.UTC()}, nil
}
