package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/auth"
)

// Defaults of Config's zero fields.
const (
	// DefaultTokenTTL is how long an API bearer token lasts.
	DefaultTokenTTL = time.Hour
	// DefaultSessionTTL is how long a customer's page session lasts.
	DefaultSessionTTL = 7 * 24 * time.Hour
	// DefaultAdminIdle ends an admin's session (page or token) unused this long.
	DefaultAdminIdle = 30 * time.Minute
	// DefaultAdminMaxAge ends an admin's session this long after sign-in.
	DefaultAdminMaxAge = 12 * time.Hour
)

// Default limits: per (account, client IP) pair 5 attempts, then one a
// minute; per client IP 20 attempts (sign-ins and sign-ups), then one
// every 10 seconds.
var (
	DefaultPairLimit = Limit{Burst: 5, Every: time.Minute}
	DefaultIPLimit   = Limit{Burst: 20, Every: 10 * time.Second}
)

// Config is what the Service needs. Store is required; zero fields take
// the defaults documented on them.
type Config struct {
	// Store keeps users and sessions.
	Store paydeck.Store
	// TokenKey signs API bearer tokens (HS256, at least
	// auth.MinTokenKeyLen bytes); nil means IssueToken and UserByToken fail.
	TokenKey []byte
	// TokenTTL is the lifetime of a bearer token; 0 means DefaultTokenTTL.
	TokenTTL time.Duration
	// SessionTTL is the lifetime of a customer's page session; 0 means
	// DefaultSessionTTL.
	SessionTTL time.Duration
	// AdminIdle and AdminMaxAge bound admins' sessions; 0 means
	// DefaultAdminIdle and DefaultAdminMaxAge.
	AdminIdle, AdminMaxAge time.Duration
	// PairLimit bounds attempts per (account, client IP); IPLimit per
	// client IP. Zero values mean DefaultPairLimit and DefaultIPLimit.
	PairLimit, IPLimit Limit
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// Hasher hashes new passwords; nil means auth.DefaultParams with Rand.
	Hasher *auth.Hasher
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of session secrets; nil means crypto/rand.
	Rand io.Reader
}

// Service signs users up and in and keeps their sessions. It is safe for
// concurrent use; share one per process so that its limits are shared.
type Service struct {
	c      Config
	tokens *auth.Tokens // nil without Config.TokenKey
	byPair *limiter
	byIP   *limiter
	// decoy is hashed on the first sign-in of an unknown email (not at
	// start: a hash holds 19 MiB while it runs) and checked for every
	// unknown email, so they cost as much as wrong passwords.
	decoy func() (string, error)
}

// New returns a Service for c, or an error naming a missing or invalid
// setting.
func New(c Config) (*Service, error) {
	if c.Store == nil {
		return nil, errors.New("account: Config.Store is required")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Hasher == nil {
		c.Hasher = auth.NewHasher(auth.DefaultParams, c.Rand)
	}
	setDefault(&c.TokenTTL, DefaultTokenTTL)
	setDefault(&c.SessionTTL, DefaultSessionTTL)
	setDefault(&c.AdminIdle, DefaultAdminIdle)
	setDefault(&c.AdminMaxAge, DefaultAdminMaxAge)
	if c.PairLimit == (Limit{}) {
		c.PairLimit = DefaultPairLimit
	}
	if c.IPLimit == (Limit{}) {
		c.IPLimit = DefaultIPLimit
	}
	if c.PairLimit.Burst < 1 || c.PairLimit.Every <= 0 || c.IPLimit.Burst < 1 || c.IPLimit.Every <= 0 {
		return nil, errors.New("account: limits need a burst of at least 1 and a positive refill interval")
	}
	s := &Service{c: c, byPair: newLimiter(c.PairLimit, c.Now), byIP: newLimiter(c.IPLimit, c.Now)}
	if c.TokenKey != nil {
		t, err := auth.NewTokens(c.TokenKey, c.TokenTTL, c.Now)
		if err != nil {
			return nil, fmt.Errorf("account: %w", err)
		}
		s.tokens = t
	}
	hasher := c.Hasher
	s.decoy = sync.OnceValues(func() (string, error) { return hasher.Hash(rand.Text()) })
	return s, nil
}

func setDefault(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// Errors of SignIn and SignUp.
var (
	// ErrBadCredentials is the one answer for an unknown email and a wrong
	// password.
	ErrBadCredentials = errors.New("the email or password is wrong")
)

// ThrottledError is an attempt refused by the limits: no password was
// hashed. RetryAfter is when the next attempt is allowed.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many attempts; retry in %d s", e.RetryAfterSeconds())
}

// RetryAfterSeconds is RetryAfter rounded up to whole seconds (at least 1).
func (e *ThrottledError) RetryAfterSeconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// take takes an attempt slot for the client IP and, when email is set,
// for the (email, IP) pair: both before any hashing.
func (s *Service) take(ip, email string) error {
	if ok, wait := s.byIP.take(ip); !ok {
		return &ThrottledError{RetryAfter: wait}
	}
	if email != "" {
		if ok, wait := s.byPair.take(pairKey(email, ip)); !ok {
			return &ThrottledError{RetryAfter: wait}
		}
	}
	return nil
}

func pairKey(email, ip string) string { return email + "\x00" + ip }

// SignUpInput is a new customer.
type SignUpInput struct {
	Email, Password, Name string
}

// Length limits of sign-up fields, the same for the API and the shop.
const (
	MaxEmailLen = 254 // bytes (RFC 5321's path limit)
	MaxNameLen  = 100 // characters
)

// Sign-up field errors (invalid *paydeck.Error values; compare with
// errors.Is).
var (
	ErrEmailTooLong = paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonEmailTooLong, "The email address must have at most %d bytes.", MaxEmailLen)
	ErrNameTooLong  = paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonNameTooLong, "The name must have at most %d characters.", MaxNameLen)
)

// SignUp creates a customer account after taking a slot of the client IP's
// limit. It returns a *ThrottledError, ErrEmailTooLong, ErrNameTooLong, an
// invalid *paydeck.Error for a bad email, a *PolicyError, conflict for a
// taken email, or a store error.
func (s *Service) SignUp(ctx context.Context, ip string, in SignUpInput) (*paydeck.User, error) {
	if err := s.take(ip, ""); err != nil { // hashing is costly: bound it per IP
		return nil, err
	}
	u := &paydeck.User{Email: strings.TrimSpace(in.Email), Name: strings.TrimSpace(in.Name), Role: paydeck.RoleCustomer}
	u.PasswordHash = "unset" // Validate the email before spending a hash on it
	switch {
	case len(u.Email) > MaxEmailLen:
		return nil, ErrEmailTooLong
	case utf8.RuneCountInString(u.Name) > MaxNameLen:
		return nil, ErrNameTooLong
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := CheckPasswordPolicy(u.Email, in.Password); err != nil {
		return nil, err
	}
	hash, err := s.c.Hasher.Hash(in.Password)
	if err != nil {
		return nil, fmt.Errorf("sign up: %w", err)
	}
	u.PasswordHash = hash
	if err := s.c.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		return nil, err
	}
	return u, nil
}

// SignIn checks email and password from client ip. The attempt slot is
// taken before any hashing; a success refills the (email, ip) pair's
// bucket. It returns the user, a *ThrottledError, ErrBadCredentials (for
// an unknown email too, after the same hashing work) or a store error.
func (s *Service) SignIn(ctx context.Context, ip, email, password string) (*paydeck.User, error) {
	email = paydeck.NormalizeEmail(email)
	if err := s.take(ip, email); err != nil {
		return nil, err
	}
	var u *paydeck.User
	err := s.c.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		u, err = tx.FindUserByEmail(ctx, email)
		return err
	})
	switch {
	case paydeck.ErrorCode(err) == paydeck.CodeNotFound:
		if decoy, err := s.decoy(); err == nil {
			_ = auth.CheckPassword(decoy, password) // same cost as a wrong password
		}
		return nil, ErrBadCredentials
	case err != nil:
		return nil, fmt.Errorf("sign in: %w", err)
	}
	if err := auth.CheckPassword(u.PasswordHash, password); errors.Is(err, auth.ErrMismatch) {
		return nil, ErrBadCredentials
	} else if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	s.byPair.reset(pairKey(email, ip))
	return u, nil
}

// ChangePassword sets a new password for the user (checked against the
// policy) and ends all of their sessions, in one transaction. It returns a
// *PolicyError, not_found, or a store error.
func (s *Service) ChangePassword(ctx context.Context, userID, password string) error {
	var u *paydeck.User
	if err := s.c.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		u, err = tx.FindUserByID(ctx, userID)
		return err
	}); err != nil {
		return err
	}
	if err := CheckPasswordPolicy(u.Email, password); err != nil {
		return err
	}
	hash, err := s.c.Hasher.Hash(password)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	return s.c.Store.Update(ctx, func(tx paydeck.Tx) error {
		u, err := tx.FindUserByID(ctx, userID)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		_, err = tx.DeleteUserSessions(ctx, userID)
		return err
	})
}

// SetRole gives the user role and ends all of their sessions, in one
// transaction: a demoted admin's cookies and tokens stop working at once.
func (s *Service) SetRole(ctx context.Context, userID string, role paydeck.Role) error {
	return s.c.Store.Update(ctx, func(tx paydeck.Tx) error {
		u, err := tx.FindUserByID(ctx, userID)
		if err != nil {
			return err
		}
		u.Role = role
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		_, err = tx.DeleteUserSessions(ctx, userID)
		return err
	})
}

// DeleteUser deletes the user and their sessions (not_found, or conflict
// while orders reference the user).
func (s *Service) DeleteUser(ctx context.Context, userID string) error {
	return s.c.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.DeleteUser(ctx, userID) })
}
