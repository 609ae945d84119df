package auth_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/auth"
)

// cheap keeps the tests fast; CheckPassword reads parameters from the hash.
var cheap = auth.Params{Memory: 64, Iterations: 1, Parallelism: 1}

func TestHashAndCheck(t *testing.T) {
	t.Parallel()
	h := auth.NewHasher(cheap, nil)
	hash, err := h.Hash("비밀번호12345")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$"), hash)
	require.NotContains(t, hash, "비밀번호")

	require.NoError(t, auth.CheckPassword(hash, "비밀번호12345"))
	require.ErrorIs(t, auth.CheckPassword(hash, "비밀번호12346"), auth.ErrMismatch)
	require.ErrorIs(t, auth.CheckPassword(hash, ""), auth.ErrMismatch)

	again, err := h.Hash("비밀번호12345")
	require.NoError(t, err)
	require.NotEqual(t, hash, again, "each hash has its own salt")
}

func TestHashIsDeterministicForAGivenSalt(t *testing.T) {
	t.Parallel()
	a, err := auth.NewHasher(cheap, bytes.NewReader(make([]byte, 16))).Hash("correct horse")
	require.NoError(t, err)
	b, err := auth.NewHasher(cheap, bytes.NewReader(make([]byte, 16))).Hash("correct horse")
	require.NoError(t, err)
	require.Equal(t, a, b)
	_, err = auth.NewHasher(cheap, bytes.NewReader(nil)).Hash("correct horse")
	require.ErrorContains(t, err, "read salt")
}

func TestDefaultHashPassword(t *testing.T) {
	t.Parallel()
	hash, err := auth.HashPassword("admin-password")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$"), hash)
	require.NoError(t, auth.CheckPassword(hash, "admin-password"))
}

func TestPasswordLength(t *testing.T) {
	t.Parallel()
	h := auth.NewHasher(cheap, nil)
	_, err := h.Hash("short12")
	require.ErrorIs(t, err, auth.ErrPasswordTooShort)
	_, err = h.Hash("한글여덟글자입니")
	require.NoError(t, err, "eight Korean characters are eight characters")
	_, err = h.Hash(strings.Repeat("a", auth.MaxPasswordLen+1))
	require.ErrorIs(t, err, auth.ErrPasswordTooLong)
}

func TestMalformedHash(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"",
		"plaintext",
		"$2a$10$abcdefghijklmnopqrstuv",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$!!!$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5",
	} {
		require.ErrorIs(t, auth.CheckPassword(bad, "whatever-password"), auth.ErrMalformedHash, bad)
	}
}
