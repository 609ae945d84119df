package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
)

// API keys ("Authorization: Bearer pdk_…") authenticate other systems'
// servers. A key may call exactly the operations whose scope it holds (and
// the public ones); it acts as the admin who created it within them, and
// orders it places may name an external customer reference (customerRef). Operations
// without a scope (key and endpoint management, the shopper's account) are
// not open to keys.

const (
	// keyScheme is the OpenAPI security scheme of API keys; an operation's
	// requirement names its scope.
	keyScheme = "apiKey"
	// scopeKey is the operation metadata and OpenAPI extension naming the
	// scope ("x-paydeck-scope").
	scopeKey = "x-paydeck-scope"
	// lastUsedEvery is how stale a key's last-used time may get before a
	// request writes it again.
	lastUsedEvery = time.Minute
)

// operationScopes is the scope of every operation open to API keys, by
// operation ID.
var operationScopes = map[string]paydeck.Scope{
	"listOrders":  paydeck.ScopeOrdersRead,
	"getOrder":    paydeck.ScopeOrdersRead,
	"getCheckout": paydeck.ScopeOrdersRead,
	"getPayment":  paydeck.ScopeOrdersRead,
	"listEvents":  paydeck.ScopeOrdersRead,

	"createOrder":  paydeck.ScopeOrdersWrite,
	"cancelOrder":  paydeck.ScopeOrdersWrite,
	"shipOrder":    paydeck.ScopeOrdersWrite,
	"deliverOrder": paydeck.ScopeOrdersWrite,
	// Returns (issue 15): approving refunds money.
	"requestReturn": paydeck.ScopeOrdersWrite,
	"refuseReturn":  paydeck.ScopeOrdersWrite,
	"approveReturn": paydeck.ScopeRefundsWrite,
	"resendEvent":   paydeck.ScopeOrdersWrite,

	"confirmPayment":      paydeck.ScopePaymentsWrite,
	"switchPaymentMethod": paydeck.ScopePaymentsWrite,
	"cancelPayment":       paydeck.ScopeRefundsWrite,

	"issueCashReceipt":  paydeck.ScopeRefundsWrite,
	"cancelCashReceipt": paydeck.ScopeRefundsWrite,

	"createProduct":           paydeck.ScopeCatalogueWrite,
	"updateProduct":           paydeck.ScopeCatalogueWrite,
	"adjustStock":             paydeck.ScopeCatalogueWrite,
	"putProductImage":         paydeck.ScopeCatalogueWrite,
	"deleteProductImage":      paydeck.ScopeCatalogueWrite,
	"createPlan":              paydeck.ScopeCatalogueWrite,
	"updatePlan":              paydeck.ScopeCatalogueWrite,
	"deactivateProduct":       paydeck.ScopeCatalogueWrite,
	"createPaymentMethod":     paydeck.ScopeCatalogueWrite,
	"updatePaymentMethod":     paydeck.ScopeCatalogueWrite,
	"deactivatePaymentMethod": paydeck.ScopeCatalogueWrite,
	// Coupons are part of what the shop sells and at what price.
	"createCoupon": paydeck.ScopeCatalogueWrite,
	"listCoupons":  paydeck.ScopeCatalogueWrite,
	"updateCoupon": paydeck.ScopeCatalogueWrite,
	"deleteCoupon": paydeck.ScopeCatalogueWrite,

	"getStats":          paydeck.ScopeReportsRead,
	"getSettlements":    paydeck.ScopeReportsRead,
	"getReconciliation": paydeck.ScopeReportsRead,
}

// Values of x-paydeck-scope besides the scopes: every operation declares
// one.
const (
	scopePublic = "public" // anyone, API keys included
	scopeNone   = "none"   // not open to API keys
)

// declareScope states op's scope in the OpenAPI document (x-paydeck-scope
// on every operation; for scoped ones also a security requirement of the
// apiKey scheme) and in its metadata for authenticateKey. register calls
// it for every operation.
func declareScope(op *huma.Operation, acc access) {
	if op.Extensions == nil {
		op.Extensions = map[string]any{}
	}
	scope, ok := operationScopes[op.OperationID]
	switch {
	case acc == public:
		op.Extensions[scopeKey] = scopePublic
		return
	case !ok:
		op.Extensions[scopeKey] = scopeNone
		return
	}
	op.Metadata[scopeKey] = scope
	op.Extensions[scopeKey] = string(scope)
	if len(op.Security) > 0 {
		op.Security = append(op.Security, map[string][]string{keyScheme: {string(scope)}})
	}
}

// keySecurityScheme is the OpenAPI description of API keys.
var keySecurityScheme = &huma.SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "pdk_live_… / pdk_test_…",
	Description: "A secret API key an admin created (POST /api/admin/api-keys), sent as `Authorization: Bearer pdk_…`. " +
		"It may call the operations whose scope (the role named in their apiKey requirement, also x-paydeck-scope) it holds."}

// authenticateKey is authenticate for an API key: 401 for an unknown or
// revoked key, 403 when the operation is not open to its scopes.
func (s *server) authenticateKey(ctx huma.Context, next func(huma.Context), c caller, acc access, secret string) {
	var key *paydeck.APIKey
	err := s.Store.View(ctx.Context(), func(tx paydeck.Tx) (err error) {
		key, err = tx.FindAPIKeyByHash(ctx.Context(), paydeck.HashAPIKey(secret))
		return err
	})
	if err != nil || key.RevokedAt != nil || key.Mode != s.KeyMode {
		if err != nil && paydeck.ErrorCode(err) != paydeck.CodeNotFound {
			s.Logger.Error("api: key lookup failed", "err", err)
		}
		ctx.SetHeader("WWW-Authenticate", `Bearer error="invalid_token"`)
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "The API key is unknown or has been revoked.")
		return
	}
	scope, _ := ctx.Operation().Metadata[scopeKey].(paydeck.Scope)
	if acc != public && (scope == "" || !key.Has(scope)) {
		msg := "API keys cannot call this operation."
		if scope != "" {
			msg = "This API key lacks the " + string(scope) + " scope."
		}
		_ = huma.WriteErr(s.api, ctx, http.StatusForbidden, msg)
		return
	}
	// A key acts as the admin who created it, as that admin is now: a key
	// of a demoted or deleted admin stops working at once.
	var owner *paydeck.User
	err = s.Store.View(ctx.Context(), func(tx paydeck.Tx) (err error) {
		owner, err = tx.FindUserByID(ctx.Context(), key.CreatedBy)
		return err
	})
	if err != nil || owner.Role != paydeck.RoleAdmin {
		if err != nil && paydeck.ErrorCode(err) != paydeck.CodeNotFound {
			s.Logger.Error("api: key owner lookup failed", "err", err)
		}
		ctx.SetHeader("WWW-Authenticate", `Bearer error="invalid_token"`)
		_ = huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "The API key's creator is no longer an admin; create a new key.")
		return
	}
	s.touchKey(ctx.Context(), key)
	c.user, c.key = owner, key
	next(huma.WithValue(ctx, callerKey{}, c))
}

// touchKey records that the key was used, at most once per lastUsedEvery.
func (s *server) touchKey(ctx context.Context, key *paydeck.APIKey) {
	now := s.Now()
	if key.LastUsedAt != nil && now.Sub(*key.LastUsedAt) < lastUsedEvery {
		return
	}
	key.LastUsedAt = &now
	if err := s.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.UpdateAPIKey(ctx, key) }); err != nil {
		s.Logger.Warn("api: recording key use failed", "keyId", key.ID, "err", err)
	}
}

// APIKey is a key as listed; its secret is never shown again.
type APIKey struct {
	ID         string     `json:"id" format:"uuid"`
	Name       string     `json:"name" example:"ERP 연동"`
	Mode       string     `json:"mode" enum:"live,test" example:"test"`
	Hint       string     `json:"hint" example:"pdk_test_k3m9" doc:"The key's first characters."`
	Scopes     []string   `json:"scopes" example:"[\"orders:read\",\"orders:write\"]"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
}

// CreatedAPIKey is a new key with its secret: the only time it is shown.
type CreatedAPIKey struct {
	APIKey
	Key string `json:"key" example:"pdk_test_k3m9x2v7q4w8e5r1t6y0u3i9o2p5a8s4" doc:"The secret key. Shown only now; store it safely."`
}

func apiKeyView(k *paydeck.APIKey) APIKey {
	v := APIKey{ID: k.ID, Name: k.Name, Mode: string(k.Mode), Hint: k.Hint, Scopes: []string{}, CreatedAt: k.CreatedAt,
		LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
	for _, sc := range k.Scopes {
		v.Scopes = append(v.Scopes, string(sc))
	}
	return v
}

type createAPIKeyInput struct {
	Body struct {
		Name   string   `json:"name" minLength:"1" maxLength:"100" example:"ERP 연동"`
		Scopes []string `json:"scopes" minItems:"1" uniqueItems:"true" enum:"orders:read,orders:write,payments:write,refunds:write,catalogue:write,reports:read"`
	}
}

type createdAPIKeyOutput struct{ Body CreatedAPIKey }

type apiKeyListOutput struct {
	Body struct {
		Items []APIKey `json:"items"`
	}
}

type apiKeyIDInput struct {
	ID string `path:"id" format:"uuid"`
}

type apiKeyOutput struct{ Body APIKey }

func (s *server) registerAPIKeys() {
	s.api.OpenAPI().Components.SecuritySchemes[keyScheme] = keySecurityScheme
	if s.Outbound == nil {
		return
	}
	tags := []string{"API keys"}
	s.api.OpenAPI().Tags = append(s.api.OpenAPI().Tags, &huma.Tag{Name: "API keys",
		Description: "Secret keys for other systems' servers, with scopes."})
	register(s, adminOnly, huma.Operation{
		OperationID: "createApiKey", Method: http.MethodPost, Path: "/api/admin/api-keys", Tags: tags,
		Summary: "Create an API key", Description: "Creates a named key with scopes, of the server's mode " +
			"(pdk_test_… in sandbox mode, pdk_live_… otherwise). The answer's `key` is the only time the secret " +
			"is shown; paydeck keeps only its hash.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, s.createAPIKey)
	register(s, adminOnly, huma.Operation{
		OperationID: "listApiKeys", Method: http.MethodGet, Path: "/api/admin/api-keys", Tags: tags,
		Summary: "List API keys", Description: "Every key, newest first, without secrets.",
	}, s.listAPIKeys)
	register(s, adminOnly, huma.Operation{
		OperationID: "revokeApiKey", Method: http.MethodDelete, Path: "/api/admin/api-keys/{id}", Tags: tags,
		Summary: "Revoke an API key", Description: "The key stops working at once.",
		Errors: []int{http.StatusNotFound},
	}, s.revokeAPIKey)
}

func (s *server) createAPIKey(ctx context.Context, in *createAPIKeyInput) (*createdAPIKeyOutput, error) {
	scopes := make([]paydeck.Scope, 0, len(in.Body.Scopes))
	for _, sc := range in.Body.Scopes {
		scopes = append(scopes, paydeck.Scope(sc))
	}
	k, secret, err := s.Outbound.CreateAPIKey(ctx, s.KeyMode, actor(ctx).UserID, in.Body.Name, scopes)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &createdAPIKeyOutput{Body: CreatedAPIKey{APIKey: apiKeyView(k), Key: secret}}, nil
}

func (s *server) listAPIKeys(ctx context.Context, _ *struct{}) (*apiKeyListOutput, error) {
	var keys []*paydeck.APIKey
	err := s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		keys, err = tx.FindAPIKeys(ctx)
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &apiKeyListOutput{}
	out.Body.Items = make([]APIKey, 0, len(keys))
	for _, k := range keys {
		out.Body.Items = append(out.Body.Items, apiKeyView(k))
	}
	return out, nil
}

func (s *server) revokeAPIKey(ctx context.Context, in *apiKeyIDInput) (*apiKeyOutput, error) {
	k, err := s.Outbound.RevokeAPIKey(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &apiKeyOutput{Body: apiKeyView(k)}, nil
}
