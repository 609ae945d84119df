package paydeck

import "time"

// SessionKind says how a session's secret travels: in the pages' session
// cookie or in an API bearer token.
type SessionKind string

// Session kinds.
const (
	SessionWeb SessionKind = "web"
	SessionAPI SessionKind = "api"
)

// Session is one signed-in browser or API token, kept server-side so that
// it can be ended before it expires (logout, password or role change,
// deletion). The secret the client holds is never stored: ID is its
// SHA-256, hex-encoded.
type Session struct {
	// ID is the hex SHA-256 of the secret the client holds.
	ID     string      `json:"id"`
	UserID string      `json:"userId"`
	Kind   SessionKind `json:"kind"`
	// CreatedAt is when the user signed in; SeenAt when the session was
	// last used (updated at most about once a minute); ExpiresAt when it
	// ends at the latest.
	CreatedAt time.Time `json:"createdAt"`
	SeenAt    time.Time `json:"seenAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}
