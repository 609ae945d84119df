package account

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/paydeck/paydeck"
)

// ErrNoSession is returned for a session secret or token that is unknown,
// ended, expired or idle too long, or whose user is gone. Its text never
// contains the secret.
var ErrNoSession = errors.New("no such session: sign in again")

// touchEvery is how stale Session.SeenAt may get before a request updates
// it: it bounds the writes reading a session causes, at the price of that
// much slack in the idle timeout (a quarter of AdminIdle when that is
// shorter).
const touchEvery = time.Minute

// StartSession creates a session of kind for u and returns the secret the
// client keeps (32 random bytes, base64url) and when the session ends at
// the latest. It also deletes sessions that expired before now.
func (s *Service) StartSession(ctx context.Context, u *paydeck.User, kind paydeck.SessionKind) (secret string, expires time.Time, err error) {
	var raw [32]byte
	if _, err := io.ReadFull(s.c.Rand, raw[:]); err != nil {
		return "", time.Time{}, fmt.Errorf("start session: read random: %w", err)
	}
	secret = base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.c.Now()
	ttl := s.c.SessionTTL
	if kind == paydeck.SessionAPI {
		ttl = s.c.TokenTTL
	}
	if u.Role == paydeck.RoleAdmin {
		ttl = min(ttl, s.c.AdminMaxAge)
	}
	sess := &paydeck.Session{ID: sessionID(secret), UserID: u.ID, Kind: kind, CreatedAt: now, SeenAt: now, ExpiresAt: now.Add(ttl)}
	err = s.c.Store.Update(ctx, func(tx paydeck.Tx) error {
		if _, err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		return tx.CreateSession(ctx, sess)
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("start session: %w", err)
	}
	return secret, sess.ExpiresAt, nil
}

// sessionID is the stored ID of a session secret: its SHA-256 in hex, so
// a copy of the table lets no one sign in.
func sessionID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// SessionUser returns the user of the session with secret (of kind) as
// the store has it now (current role), or ErrNoSession. An admin session
// unused for AdminIdle or older than AdminMaxAge is ended here. Reading
// a session refreshes its SeenAt (at most once per minute).
func (s *Service) SessionUser(ctx context.Context, kind paydeck.SessionKind, secret string) (*paydeck.User, error) {
	if secret == "" {
		return nil, ErrNoSession
	}
	id := sessionID(secret)
	var sess *paydeck.Session
	var u *paydeck.User
	err := s.c.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		if sess, err = tx.FindSessionByID(ctx, id); err != nil {
			return err
		}
		u, err = tx.FindUserByID(ctx, sess.UserID)
		return err
	})
	switch {
	case paydeck.ErrorCode(err) == paydeck.CodeNotFound:
		return nil, ErrNoSession
	case err != nil:
		return nil, fmt.Errorf("read session: %w", err)
	case sess.Kind != kind:
		return nil, ErrNoSession
	}
	now := s.c.Now()
	if !now.Before(sess.ExpiresAt) || (u.Role == paydeck.RoleAdmin &&
		(now.Sub(sess.SeenAt) >= s.c.AdminIdle || now.Sub(sess.CreatedAt) >= s.c.AdminMaxAge)) {
		if err := s.c.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.DeleteSession(ctx, id) }); err != nil {
			return nil, fmt.Errorf("end session: %w", err)
		}
		return nil, ErrNoSession
	}
	if now.Sub(sess.SeenAt) >= min(touchEvery, s.c.AdminIdle/4) {
		err := s.c.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.TouchSession(ctx, id, now) })
		if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
			return nil, ErrNoSession // ended meanwhile
		} else if err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	return u, nil
}

// EndSession ends the session with secret (logout); an unknown secret is
// not an error.
func (s *Service) EndSession(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	return s.c.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.DeleteSession(ctx, sessionID(secret)) })
}

// IssueToken starts an API session for u and returns its bearer token
// (an HS256 JWT whose "sid" claim is the session secret) and expiry.
func (s *Service) IssueToken(ctx context.Context, u *paydeck.User) (token string, expires time.Time, err error) {
	if s.tokens == nil {
		return "", time.Time{}, errors.New("issue token: account.Config.TokenKey is not set")
	}
	secret, expires, err := s.StartSession(ctx, u, paydeck.SessionAPI)
	if err != nil {
		return "", time.Time{}, err
	}
	token, tokenExpires, err := s.tokens.Issue(u.ID, string(u.Role), secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue token: %w", err)
	}
	if tokenExpires.Before(expires) { // whole seconds, as in the token
		expires = tokenExpires
	}
	return token, expires, nil
}

// TokenUser returns the current user of a bearer token: its signature and
// expiry are checked, then its session as SessionUser does. It returns
// ErrInvalidToken for a token that does not verify and ErrNoSession for
// one whose session has ended.
func (s *Service) TokenUser(ctx context.Context, token string) (*paydeck.User, error) {
	if s.tokens == nil {
		return nil, ErrInvalidToken
	}
	claims, err := s.tokens.Verify(token)
	if err != nil {
		return nil, ErrInvalidToken
	}
	u, err := s.SessionUser(ctx, paydeck.SessionAPI, claims.SessionID)
	if err != nil {
		return nil, err
	}
	if u.ID != claims.UserID {
		return nil, ErrNoSession
	}
	return u, nil
}

// EndToken ends the session of a valid bearer token.
func (s *Service) EndToken(ctx context.Context, token string) error {
	if s.tokens == nil {
		return ErrInvalidToken
	}
	claims, err := s.tokens.Verify(token)
	if err != nil {
		return ErrInvalidToken
	}
	return s.EndSession(ctx, claims.SessionID)
}

// ErrInvalidToken is a bearer token that is malformed, forged or expired.
var ErrInvalidToken = errors.New("invalid or expired token")
