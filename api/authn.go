package api

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/auth"
	"github.com/paydeck/paydeck/payment"
)

// caller is who sent a request: the verified token's claims (nil when
// anonymous) and the client's IP and user agent.
type caller struct {
	claims    *auth.Claims
	key       *paydeck.APIKey // set for API keys (apikeys.go), with admin claims
	ip        string
	userAgent string
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
	if c.claims != nil {
		a.UserID = c.claims.UserID
		a.Admin = c.claims.Role == string(paydeck.RoleAdmin)
	}
	return a
}

// isAdmin reports whether the request in ctx comes from an admin.
func isAdmin(ctx context.Context) bool { return actor(ctx).Admin }

// authenticate is the huma middleware that verifies the bearer token (when
// one is sent, on every operation) and enforces the operation's access
// rule: 401 without a valid token where one is needed, 403 for customers
// on admin operations. It stores the caller in the context.
func (s *server) authenticate(ctx huma.Context, next func(huma.Context)) {
	c := caller{ip: clientIP(ctx.RemoteAddr()), userAgent: ctx.Header("User-Agent")}
	acc, _ := ctx.Operation().Metadata[accessKey].(access)
	if token, ok := strings.CutPrefix(ctx.Header("Authorization"), "Bearer "+paydeck.APIKeyPrefix); ok {
		s.authenticateKey(ctx, next, c, acc, paydeck.APIKeyPrefix+strings.TrimSpace(token))
		return
	}
	if h := ctx.Header("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		claims, err := s.tokens.Verify(strings.TrimSpace(token))
		if !ok || err != nil {
			ctx.SetHeader("WWW-Authenticate", `Bearer error="invalid_token"`)
			_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "The bearer token is invalid or has expired.")
			return
		}
		c.claims = &claims
	}
	switch {
	case acc != public && c.claims == nil:
		ctx.SetHeader("WWW-Authenticate", "Bearer")
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "Sign in and send the token as \"Authorization: Bearer <token>\".")
		return
	case acc == adminOnly && c.claims.Role != string(paydeck.RoleAdmin):
		_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, "Only admins may do this.")
		return
	}
	next(huma.WithValue(ctx, callerKey{}, c))
}

// clientIP is the host part of the connection's remote address. Proxy
// headers such as X-Forwarded-For are not trusted: run paydeck behind a
// proxy that sets the remote address, or accept per-proxy rate limits.
func clientIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}
