package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length limits, in characters (MinPasswordLen) and bytes
// (MaxPasswordLen; it bounds the hashing work one request can cause).
const (
	MinPasswordLen = 8
	MaxPasswordLen = 1024
)

// Errors returned by HashPassword and CheckPassword. They never include the
// password.
var (
	// ErrPasswordTooShort: fewer than MinPasswordLen characters.
	ErrPasswordTooShort = fmt.Errorf("password must be at least %d characters", MinPasswordLen)
	// ErrPasswordTooLong: more than MaxPasswordLen bytes.
	ErrPasswordTooLong = fmt.Errorf("password must be at most %d bytes", MaxPasswordLen)
	// ErrMismatch: the password does not match the hash.
	ErrMismatch = errors.New("password does not match")
	// ErrMalformedHash: the stored hash is not an argon2id PHC string.
	ErrMalformedHash = errors.New("malformed password hash")
)

// Params are argon2id cost parameters.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
}

// DefaultParams follow the OWASP password storage recommendation for
// argon2id (19 MiB, 2 iterations, 1 lane).
var DefaultParams = Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1}

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

// Hasher hashes passwords with fixed parameters and a source of randomness
// for salts. The zero value is not usable; use NewHasher.
type Hasher struct {
	params Params
	rand   io.Reader
}

// NewHasher returns a Hasher using p and random for salts (nil means
// crypto/rand).
func NewHasher(p Params, random io.Reader) *Hasher {
	if random == nil {
		random = rand.Reader
	}
	return &Hasher{params: p, rand: random}
}

// HashPassword hashes password with DefaultParams and a random salt.
func HashPassword(password string) (string, error) {
	return NewHasher(DefaultParams, nil).Hash(password)
}

// Hash returns the PHC-encoded argon2id hash of password. It returns
// ErrPasswordTooShort or ErrPasswordTooLong for passwords outside the
// limits, or the error of the random source.
func (h *Hasher) Hash(password string) (string, error) {
	if err := checkLength(password); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(h.rand, salt); err != nil {
		return "", fmt.Errorf("hash password: read salt: %w", err)
	}
	p := h.params
	key := idKey([]byte(password), salt, p, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches encoded (made by Hash),
// comparing in constant time. It returns nil on a match, ErrMismatch when
// the password is wrong (including one outside the length limits) and
// ErrMalformedHash when encoded cannot be parsed.
func CheckPassword(encoded, password string) error {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return err
	}
	if checkLength(password) != nil {
		return ErrMismatch
	}
	got := idKey([]byte(password), salt, p, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return ErrMismatch
	}
	return nil
}

// hashing bounds how many argon2id computations run at once. Each one
// takes Params.Memory (19 MiB by default) and a CPU for its whole run, so
// more of them at once than there are CPUs only adds memory, not speed: a
// burst of 32 logins would otherwise hold over 600 MiB.
var hashing = make(chan struct{}, runtime.GOMAXPROCS(0))

// idKey is argon2.IDKey, at most GOMAXPROCS at a time.
func idKey(password, salt []byte, p Params, keyLen uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey(password, salt, p.Iterations, p.Memory, p.Parallelism, keyLen)
}

func checkLength(password string) error {
	switch {
	case len(password) > MaxPasswordLen:
		return ErrPasswordTooLong
	case utf8.RuneCountInString(password) < MinPasswordLen:
		return ErrPasswordTooShort
	}
	return nil
}

func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, ErrMalformedHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Iterations, &p.Parallelism); err != nil ||
		p.Memory == 0 || p.Iterations == 0 || p.Parallelism == 0 {
		return p, nil, nil, ErrMalformedHash
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) == 0 {
		return p, nil, nil, ErrMalformedHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}
