package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

func testSessions(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	u := MustCreateUser(t, db, nil)
	other := MustCreateUser(t, db, nil)
	at := testStart.Add(time.Hour)
	mk := func(id, userID string, expires time.Time) *paydeck.Session {
		return &paydeck.Session{ID: id, UserID: userID, Kind: paydeck.SessionWeb, CreatedAt: at, SeenAt: at, ExpiresAt: expires}
	}

	s := mk("s1", u.ID, at.Add(time.Hour))
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreateSession(ctx, s) })
	require.Equal(t, time.UTC, s.CreatedAt.Location())
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindSessionByID(ctx, "s1")
		require.NoError(t, err)
		require.Equal(t, s, got)
		_, err = tx.FindSessionByID(ctx, "nope")
		requireCode(t, paydeck.CodeNotFound, err)
		return nil
	})

	t.Run("Refused", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateSession(ctx, mk("s1", u.ID, at)) })
		requireCode(t, paydeck.CodeConflict, err)
		err = db.Update(ctx, func(tx paydeck.Tx) error {
			return tx.CreateSession(ctx, mk("ghost", "00000000-0000-4000-8000-000000000000", at))
		})
		requireCode(t, paydeck.CodeConflict, err)
		err = db.Update(ctx, func(tx paydeck.Tx) error {
			bad := mk("bad", u.ID, at)
			bad.Kind = "cookie"
			return tx.CreateSession(ctx, bad)
		})
		requireCode(t, paydeck.CodeInvalid, err)
	})

	t.Run("TouchDeleteExpire", func(t *testing.T) {
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			require.NoError(t, tx.TouchSession(ctx, "s1", at.Add(time.Minute)))
			requireCode(t, paydeck.CodeNotFound, tx.TouchSession(ctx, "nope", at))
			require.NoError(t, tx.CreateSession(ctx, mk("s2", u.ID, at.Add(-time.Second))))
			require.NoError(t, tx.CreateSession(ctx, mk("s3", other.ID, at.Add(time.Hour))))
			return nil
		})
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindSessionByID(ctx, "s1")
			require.NoError(t, err)
			require.Equal(t, at.Add(time.Minute).UTC().Truncate(time.Microsecond), got.SeenAt)
			n, err := tx.DeleteExpiredSessions(ctx, at)
			require.NoError(t, err)
			require.EqualValues(t, 1, n, "only s2 expired")
			require.NoError(t, tx.DeleteSession(ctx, "s1"))
			require.NoError(t, tx.DeleteSession(ctx, "s1"), "deleting twice is fine")
			_, err = tx.FindSessionByID(ctx, "s1")
			requireCode(t, paydeck.CodeNotFound, err)
			_, err = tx.FindSessionByID(ctx, "s3")
			require.NoError(t, err, "another user's session stays")
			return nil
		})
	})

	t.Run("DeleteUserEndsSessions", func(t *testing.T) {
		gone := MustCreateUser(t, db, nil)
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			require.NoError(t, tx.CreateSession(ctx, mk("g1", gone.ID, at.Add(time.Hour))))
			require.NoError(t, tx.CreateSession(ctx, mk("g2", gone.ID, at.Add(time.Hour))))
			return nil
		})
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			n, err := tx.DeleteUserSessions(ctx, gone.ID)
			require.NoError(t, err)
			require.EqualValues(t, 2, n)
			require.NoError(t, tx.CreateSession(ctx, mk("g3", gone.ID, at.Add(time.Hour))))
			return tx.DeleteUser(ctx, gone.ID)
		})
		MustView(t, db, func(tx paydeck.Tx) error {
			_, err := tx.FindSessionByID(ctx, "g3")
			requireCode(t, paydeck.CodeNotFound, err)
			_, err = tx.FindUserByID(ctx, gone.ID)
			requireCode(t, paydeck.CodeNotFound, err)
			return nil
		})
		err := db.Update(ctx, func(tx paydeck.Tx) error { return tx.DeleteUser(ctx, gone.ID) })
		requireCode(t, paydeck.CodeNotFound, err)
	})
}
