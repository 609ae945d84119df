package sqlcore

import (
	"context"
	"time"

	"github.com/paydeck/paydeck"
)

const sessionCols = "id, user_id, kind, created_at, seen_at, expires_at"

func scanSession(r Rows) (*paydeck.Session, error) {
	s := &paydeck.Session{}
	err := r.Scan(&s.ID, scanText(&s.UserID), &s.Kind, scanTime(&s.CreatedAt), scanTime(&s.SeenAt), scanTime(&s.ExpiresAt))
	return s, err
}

// DeleteUser implements paydeck.Tx.
func (tx *Tx) DeleteUser(ctx context.Context, id string) error {
	if !paydeck.ValidUUID(id) {
		return paydeck.Errorf(paydeck.CodeNotFound, "User not found.")
	}
	if _, err := tx.DeleteUserSessions(ctx, id); err != nil {
		return err
	}
	tx.knownUser = nil
	n, err := tx.exec(ctx, "", `DELETE FROM users WHERE id = ?`, id)
	if paydeck.ErrorCode(err) == paydeck.CodeConflict {
		return paydeck.Errorf(paydeck.CodeConflict, "The user has orders and cannot be deleted.")
	}
	return rowsOrNotFound(n, err, "User not found.")
}

// CreateSession implements paydeck.Tx.
func (tx *Tx) CreateSession(ctx context.Context, s *paydeck.Session) error {
	if s.ID == "" || !paydeck.ValidUUID(s.UserID) || (s.Kind != paydeck.SessionWeb && s.Kind != paydeck.SessionAPI) {
		return paydeck.Errorf(paydeck.CodeInvalid, "A session needs an ID, a user and a known kind.")
	}
	normTimes(&s.CreatedAt, &s.SeenAt, &s.ExpiresAt)
	_, err := tx.exec(ctx, "", `INSERT INTO sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		s.ID, s.UserID, string(s.Kind), tx.t(s.CreatedAt), tx.t(s.SeenAt), tx.t(s.ExpiresAt))
	return err
}

// FindSessionByID implements paydeck.Tx.
//
// In a read-only transaction (one snapshot) the same statement also reads
// the session's user, so that FindUserByID of it right after (every
// authenticated request does both) costs no second statement.
func (tx *Tx) FindSessionByID(ctx context.Context, id string) (*paydeck.Session, error) {
	if !tx.readOnly {
		return first(ctx, tx, `SELECT `+sessionCols+` FROM sessions WHERE id = ?`, []any{id}, scanSession, "Session not found.")
	}
	nSess, nUser := colsIn(sessionCols), colsIn(userCols)
	n := nSess + nUser + 1
	s, err := first(ctx, tx, `SELECT `+prefixed("s.", sessionCols)+`, `+prefixed("u.", userCols)+`,
		CASE WHEN u.id IS NULL THEN 0 ELSE 1 END FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
		[]any{id}, func(r Rows) (*paydeck.Session, error) {
			var hasUser int64
			if err := (window{r, n - 1, n}).Scan(&hasUser); err != nil {
				return nil, err
			}
			s, err := scanSession(window{r, 0, n})
			if err != nil || hasUser == 0 {
				return s, err
			}
			u, err := scanUser(window{r, nSess, n})
			if err == nil {
				tx.knownUser = u
			}
			return s, err
		}, "Session not found.")
	return s, err
}

// TouchSession implements paydeck.Tx.
func (tx *Tx) TouchSession(ctx context.Context, id string, seenAt time.Time) error {
	n, err := tx.exec(ctx, "", `UPDATE sessions SET seen_at = ? WHERE id = ?`, tx.t(seenAt), id)
	return rowsOrNotFound(n, err, "Session not found.")
}

// DeleteSession implements paydeck.Tx.
func (tx *Tx) DeleteSession(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, "", `DELETE FROM sessions WHERE id = ?`, id)
	return err
}

// DeleteUserSessions implements paydeck.Tx.
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID string) (int64, error) {
	if !paydeck.ValidUUID(userID) {
		return 0, nil
	}
	return tx.exec(ctx, "", `DELETE FROM sessions WHERE user_id = ?`, userID)
}

// DeleteExpiredSessions implements paydeck.Tx.
func (tx *Tx) DeleteExpiredSessions(ctx context.Context, t time.Time) (int64, error) {
	return tx.exec(ctx, "", `DELETE FROM sessions WHERE expires_at < ?`, tx.t(t))
}
