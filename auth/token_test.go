package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/auth"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func TestTokensRoundTripAndExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tokens, err := auth.NewTokens(testKey, time.Hour, func() time.Time { return now })
	require.NoError(t, err)

	tok, exp, err := tokens.Issue("user-1", "admin", "sess-1")
	require.NoError(t, err)
	require.Equal(t, now.Add(time.Hour), exp)
	require.NotContains(t, tok, string(testKey))

	c, err := tokens.Verify(tok)
	require.NoError(t, err)
	require.Equal(t, auth.Claims{UserID: "user-1", Role: "admin", SessionID: "sess-1", ExpiresAt: exp}, c)

	now = now.Add(time.Hour + time.Second)
	_, err = tokens.Verify(tok)
	require.ErrorIs(t, err, auth.ErrInvalidToken)
}

func TestTokensRefuseForgeries(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }
	tokens, err := auth.NewTokens(testKey, time.Hour, now)
	require.NoError(t, err)
	other, err := auth.NewTokens([]byte(strings.Repeat("x", 32)), time.Hour, now)
	require.NoError(t, err)
	good, _, err := tokens.Issue("user-1", "customer", "s")
	require.NoError(t, err)
	foreign, _, err := other.Issue("user-1", "admin", "s")
	require.NoError(t, err)

	claims := jwt.MapClaims{"sub": "user-1", "role": "admin", "iss": "paydeck", "exp": now().Add(time.Hour).Unix()}
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)
	noExp, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u", "role": "admin", "iss": "paydeck", "sid": "s"}).SignedString(testKey)
	require.NoError(t, err)
	noSession, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u", "role": "admin", "iss": "paydeck",
		"exp": now().Add(time.Hour).Unix()}).SignedString(testKey)
	require.NoError(t, err)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "=") + "x." + parts[2]

	for name, tok := range map[string]string{"other key": foreign, "alg none": none, "no exp": noExp, "no sid": noSession,
		"tampered": tampered, "garbage": "not.a.jwt", "empty": ""} {
		_, err := tokens.Verify(tok)
		require.ErrorIs(t, err, auth.ErrInvalidToken, name)
	}
}

func TestNewTokensChecksKeyAndTTL(t *testing.T) {
	t.Parallel()
	_, err := auth.NewTokens([]byte("short"), time.Hour, nil)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "short")
	_, err = auth.NewTokens(testKey, 0, nil)
	require.Error(t, err)
}
