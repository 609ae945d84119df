package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/payment"
)

// caller is who sent a request: the signed-in user as the store has it
// now (nil when anonymous), the credential they sent (for logout) and the
// client's IP and user agent.
type caller struct {
	user       *paydeck.User
	credential string
	key        *paydeck.APIKey // set for API keys (apikeys.go); user is then the key's creator
	ip         string
	userAgent  string
}

type callerKey struct{}

// callerFrom returns the caller the authenticate middleware stored in ctx.
func callerFrom(ctx context.Context) caller {
	c, _ := ctx.Value(callerKey{}).(caller)
	return c
}

// actor is the payment.Actor of the request in ctx.
func actor(ctx context.Context) payment.Actor {
	c := callerFrom(ctx)
	a := payment.Actor{IP: c.ip, UserAgent: c.userAgent}
	if c.user != nil {
		a.UserID = c.user.ID
		a.Admin = c.user.Role == paydeck.RoleAdmin
	}
	return a
}

// isAdmin reports whether the request in ctx comes from an admin.
func isAdmin(ctx context.Context) bool { return actor(ctx).Admin }

// errBadCredential is a credential that does not name a live session: it
// is malformed, forged or expired, or its session was ended (logout,
// password or role change, deletion).
var errBadCredential = errors.New("bad credential")

// authenticate is the huma middleware that resolves the credential in the
// Authorization header (when one is sent, on every operation) to the
// user's current record, and enforces the operation's access rule: 401
// without a valid credential where one is needed, 403 for non-admins on
// admin operations. The role is read from the store on every request, so a
// demoted or deleted admin is refused at once. It stores the caller in the
// context.
func (s *server) authenticate(ctx huma.Context, next func(huma.Context)) {
	var xff []string
	ctx.EachHeader(func(name, value string) {
		if strings.EqualFold(name, "X-Forwarded-For") {
			xff = append(xff, value)
		}
	})
	c := caller{ip: s.Accounts.ClientIPFrom(ctx.RemoteAddr(), xff), userAgent: ctx.Header("User-Agent")}
	acc, _ := ctx.Operation().Metadata[accessKey].(access)
	if token, ok := strings.CutPrefix(ctx.Header("Authorization"), "Bearer "+paydeck.APIKeyPrefix); ok {
		s.authenticateKey(ctx, next, c, acc, paydeck.APIKeyPrefix+strings.TrimSpace(token))
		return
	}
	if h := ctx.Header("Authorization"); h != "" {
		u, err := s.credentialUser(ctx.Context(), h)
		switch {
		case errors.Is(err, errBadCredential):
			ctx.SetHeader("WWW-Authenticate", `Bearer error="invalid_token"`)
			_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "The bearer token is invalid, has expired or was signed out.")
			return
		case err != nil:
			s.Logger.ErrorContext(ctx.Context(), "authenticate", "err", err)
			_ = huma.WriteErr(s.api, ctx, http.StatusServiceUnavailable, "Sign-in is unavailable; try again.")
			return
		}
		c.user, c.credential = u, h
	}
	switch {
	case acc != public && c.user == nil:
		ctx.SetHeader("WWW-Authenticate", "Bearer")
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "Sign in and send the token as \"Authorization: Bearer <token>\".")
		return
	case acc == adminOnly && c.user.Role != paydeck.RoleAdmin:
		_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, "Only admins may do this.")
		return
	}
	next(huma.WithValue(ctx, callerKey{}, c))
}

// credentialUser returns the user an Authorization header value stands
// for, or errBadCredential (any other error is the store's). Every kind
// of credential is one case of the switch on the bearer token's form:
// today only the session tokens (JWTs) of POST /api/auth/login, the
// default case; another kind (say, API keys with a prefix of their own)
// is a case before it.
func (s *server) credentialUser(ctx context.Context, header string) (*paydeck.User, error) {
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return nil, errBadCredential
	}
	switch token = strings.TrimSpace(token); {
	default:
		u, err := s.Accounts.TokenUser(ctx, token)
		if errors.Is(err, account.ErrInvalidToken) || errors.Is(err, account.ErrNoSession) {
			return nil, errBadCredential
		}
		return u, err
	}
}

// endCredential ends the session behind an Authorization header value
// (POST /api/auth/logout), with the same cases as credentialUser.
func (s *server) endCredential(ctx context.Context, header string) error {
	token, _ := strings.CutPrefix(header, "Bearer ")
	switch token = strings.TrimSpace(token); {
	default:
		return s.Accounts.EndToken(ctx, token)
	}
}
