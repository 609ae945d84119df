package api_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// TestEveryOperationEnforcesItsAccessRule walks the published OpenAPI
// document, so an operation added later is covered without touching this
// test: every operation that declares bearer security answers 401 (with
// WWW-Authenticate) without a token, with a forged one and with one whose
// session ended (logout), every operation that documents 403 refuses a
// customer and an admin demoted after signing in, and a public operation
// never asks for credentials. Path parameters are filled with values that
// name nothing, so no check can pass by finding a row. The pages' routes
// have the same walk in admin's and web's TestEveryPage… tests.
func TestEveryOperationEnforcesItsAccessRule(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	a := apitest.NewAPI(t, env)
	_, customer := a.SignUp(t, "matrix")
	_, ended := a.SignUp(t, "ended")
	a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/logout", Token: ended}, http.StatusNoContent, nil)
	demoted := a.NewAdmin(t)
	var me struct {
		ID string `json:"id"`
	}
	a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/me", Token: demoted}, http.StatusOK, &me)
	require.NoError(t, env.DB.Update(t.Context(), func(tx paydeck.Tx) error {
		u, err := tx.FindUserByID(t.Context(), me.ID)
		if err != nil {
			return err
		}
		u.Role = paydeck.RoleCustomer
		return tx.UpdateUser(t.Context(), u)
	}))

	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Security    []map[string][]string `json:"security"`
			Responses   map[string]any        `json:"responses"`
			Scope       string                `json:"x-paydeck-scope"`
		} `json:"paths"`
	}
	a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/openapi.json"}, http.StatusOK, &doc)
	param := regexp.MustCompile(`\{[^}]+\}`)
	fill := func(path string) string {
		return param.ReplaceAllStringFunc(path, func(p string) string {
			switch p {
			case "{orderId}":
				return "ORD20261127ABCDEF01"
			case "{paymentKey}":
				return "tviva-no-such-payment"
			default:
				return "00000000-0000-4000-8000-000000000000"
			}
		})
	}

	var secured, admin, public []string
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		for method, op := range ops {
			req := apitest.Request{Method: strings.ToUpper(method), Path: fill(path)}
			if req.Method == http.MethodPost || req.Method == http.MethodPatch || req.Method == http.MethodPut {
				req.Body = map[string]any{}
			}
			name := req.Method + " " + path
			if len(op.Security) > 0 {
				secured = append(secured, op.OperationID)
				res := a.Do(t, req)
				res.RequireProblem(t, http.StatusUnauthorized)
				require.Equal(t, "Bearer", res.Header.Get("WWW-Authenticate"), name)
				req.Token = "forged." + customer[strings.Index(customer, ".")+1:]
				a.Do(t, req).RequireProblem(t, http.StatusUnauthorized)
				req.Token = ended
				a.Do(t, req).RequireProblem(t, http.StatusUnauthorized)
				if _, documented := op.Responses["403"]; documented {
					admin = append(admin, op.OperationID)
					for _, tok := range []string{customer, demoted} {
						req.Token = tok
						a.Do(t, req).RequireProblem(t, http.StatusForbidden)
					}
				}
				continue
			}
			public = append(public, op.OperationID)
			res := a.Do(t, req)
			require.NotEqual(t, http.StatusUnauthorized, res.Status, "%s is public: %s", name, res.Body)
			require.NotEqual(t, http.StatusForbidden, res.Status, "%s is public: %s", name, res.Body)
		}
	}
	sort.Strings(secured)
	sort.Strings(admin)
	sort.Strings(public)
	// The access rules themselves, as the document states them.
	require.Equal(t, []string{"getProduct", "listCouriers", "listPaymentMethods", "listPlans", "listProducts", "login", "receiveWebhook", "signup"}, public)
	require.Equal(t, []string{"adjustStock", "approveReturn", "cancelCashReceipt", "createApiKey", "createCoupon", "createPaymentMethod", "createPlan", "createProduct",
		"createWebhookEndpoint", "deactivatePaymentMethod", "deactivateProduct", "deleteCoupon", "deleteProductImage", "deliverOrder", "getReconciliation",
		"getSettlements", "getStats", "issueCashReceipt", "listApiKeys", "listCoupons", "listEvents", "listOutbox", "listWebhookDeliveries",
		"listWebhookEndpoints", "putProductImage", "refuseReturn", "resendEvent", "retrySubscription",
		"revokeApiKey", "rotateWebhookSecret", "sendTestEvent", "shipOrder", "updateCoupon", "updatePaymentMethod", "updatePlan",
		"updateProduct", "updateWebhookEndpoint"}, admin)
	// The customer's own: 13 of orders (with requestReturn and
	// switchPaymentMethod), payments and their account, 7 of subscriptions
	// (setup, create, list, get, cancel, resume, card).
	require.Len(t, secured, len(admin)+13+7, "admin operations plus the customer's own: %v", secured)
}

// TestEveryOperationEnforcesItsKeyScope is the same walk for API keys ×
// scopes: every operation declares x-paydeck-scope (a scope, "public" or
// "none"); a key holding exactly that scope gets past authentication, a key
// holding every other scope gets 403, operations not open to keys refuse
// even a key with every scope, and unknown or revoked keys get 401.
func TestEveryOperationEnforcesItsKeyScope(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	a := apitest.NewAPI(t, env)
	admin := a.NewAdmin(t)
	newKey := func(scopes ...paydeck.Scope) string {
		t.Helper()
		var out struct {
			ID  string `json:"id"`
			Key string `json:"key"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/api-keys", Token: admin,
			Body: map[string]any{"name": "matrix", "scopes": scopes}}, http.StatusCreated, &out)
		require.True(t, strings.HasPrefix(out.Key, "pdk_live_"), out.Key)
		return out.Key
	}
	only := map[paydeck.Scope]string{}
	allBut := map[paydeck.Scope]string{}
	for _, sc := range paydeck.Scopes {
		only[sc] = newKey(sc)
		var rest []paydeck.Scope
		for _, o := range paydeck.Scopes {
			if o != sc {
				rest = append(rest, o)
			}
		}
		allBut[sc] = newKey(rest...)
	}
	every := newKey(paydeck.Scopes...)
	revoked := newKey(paydeck.Scopes...)
	var keys struct {
		Items []struct {
			ID   string `json:"id"`
			Hint string `json:"hint"`
		} `json:"items"`
	}
	a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/api-keys", Token: admin}, http.StatusOK, &keys)
	require.Len(t, keys.Items, 2*len(paydeck.Scopes)+2)
	require.True(t, strings.HasPrefix(revoked, keys.Items[0].Hint), "newest first")
	a.MustDo(t, apitest.Request{Method: http.MethodDelete, Path: "/api/admin/api-keys/" + keys.Items[0].ID, Token: admin},
		http.StatusOK, nil)

	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Security    []map[string][]string `json:"security"`
			Scope       string                `json:"x-paydeck-scope"`
		} `json:"paths"`
	}
	a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/openapi.json"}, http.StatusOK, &doc)
	param := regexp.MustCompile(`\{[^}]+\}`)
	byScope := map[string][]string{}
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		for method, op := range ops {
			req := apitest.Request{Method: strings.ToUpper(method),
				Path: param.ReplaceAllString(path, "00000000-0000-4000-8000-000000000000")}
			if req.Method != http.MethodGet && req.Method != http.MethodDelete {
				req.Body = map[string]any{}
			}
			name := req.Method + " " + path
			require.NotEmpty(t, op.Scope, "%s declares no x-paydeck-scope", name)
			byScope[op.Scope] = append(byScope[op.Scope], op.OperationID)
			passes := func(key, who string) {
				t.Helper()
				req.Token = key
				res := a.Do(t, req)
				require.NotEqual(t, http.StatusUnauthorized, res.Status, "%s with %s: %s", name, who, res.Body)
				require.NotEqual(t, http.StatusForbidden, res.Status, "%s with %s: %s", name, who, res.Body)
			}
			req.Token = revoked
			if op.Scope != "public" {
				a.Do(t, req).RequireProblem(t, http.StatusUnauthorized)
				req.Token = "pdk_live_unknownkeyunknownkeyunknownk"
				a.Do(t, req).RequireProblem(t, http.StatusUnauthorized)
			}
			switch op.Scope {
			case "public":
				passes(every, "a key")
			case "none":
				req.Token = every
				a.Do(t, req).RequireProblem(t, http.StatusForbidden)
			default:
				sc := paydeck.Scope(op.Scope)
				require.Contains(t, paydeck.Scopes, sc, name)
				require.Contains(t, op.Security, map[string][]string{"apiKey": {op.Scope}}, name)
				passes(only[sc], "only "+op.Scope)
				req.Token = allBut[sc]
				msg := a.Do(t, req).RequireProblem(t, http.StatusForbidden)
				require.Contains(t, msg, op.Scope, name)
			}
		}
	}
	for _, ops := range byScope {
		sort.Strings(ops)
	}
	require.Equal(t, map[string][]string{
		"public":         {"getProduct", "listCouriers", "listPaymentMethods", "listPlans", "listProducts", "login", "receiveWebhook", "signup"},
		"orders:read":    {"getCheckout", "getOrder", "getPayment", "listEvents", "listOrders"},
		"orders:write":   {"cancelOrder", "createOrder", "deliverOrder", "refuseReturn", "requestReturn", "resendEvent", "shipOrder"},
		"payments:write": {"confirmPayment", "switchPaymentMethod"},
		"refunds:write":  {"approveReturn", "cancelCashReceipt", "cancelPayment", "issueCashReceipt"},
		"catalogue:write": {"adjustStock", "createCoupon", "createPaymentMethod", "createPlan", "createProduct", "deactivatePaymentMethod",
			"deactivateProduct", "deleteCoupon", "deleteProductImage", "listCoupons", "putProductImage", "updateCoupon", "updatePaymentMethod",
			"updatePlan", "updateProduct"},
		"reports:read": {"getReconciliation", "getSettlements", "getStats"},
		// Subscriptions belong to a shopper's own card: keys do not manage them.
		"none": {"cancelSubscription", "change-password", "createApiKey", "createSubscription", "createWebhookEndpoint",
			"getBillingSetup", "getSubscription", "listApiKeys", "listOutbox", "listSubscriptions", "listWebhookDeliveries",
			"listWebhookEndpoints", "logout", "me", "resumeSubscription", "retrySubscription", "revokeApiKey",
			"rotateWebhookSecret", "sendTestEvent", "updateSubscriptionCard", "updateWebhookEndpoint"},
	}, byScope)
}
