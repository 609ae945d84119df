package api_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
)

// TestEveryOperationEnforcesItsAccessRule walks the published OpenAPI
// document, so an operation added later is covered without touching this
// test: every operation that declares bearer security answers 401 (with
// WWW-Authenticate) without a token and with a forged one, every operation
// that documents 403 refuses a customer, and a public operation never asks
// for credentials. Path parameters are filled with values that name
// nothing, so no check can pass by finding a row.
func TestEveryOperationEnforcesItsAccessRule(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	a := apptest.NewAPI(t, env)
	_, customer := a.SignUp(t, "matrix")

	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Security    []map[string][]string `json:"security"`
			Responses   map[string]any        `json:"responses"`
		} `json:"paths"`
	}
	a.MustDo(t, apptest.Request{Method: http.MethodGet, Path: "/openapi.json"}, http.StatusOK, &doc)
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
			req := apptest.Request{Method: strings.ToUpper(method), Path: fill(path)}
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
				if _, documented := op.Responses["403"]; documented {
					admin = append(admin, op.OperationID)
					req.Token = customer
					a.Do(t, req).RequireProblem(t, http.StatusForbidden)
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
	require.Equal(t, []string{"getProduct", "listPaymentMethods", "listPlans", "listProducts", "login", "receiveWebhook", "signup"}, public)
	require.Equal(t, []string{"createPaymentMethod", "createPlan", "createProduct", "deactivatePaymentMethod", "deactivateProduct",
		"deliverOrder", "getReconciliation", "getSettlements", "getStats", "retrySubscription", "shipOrder", "updatePaymentMethod",
		"updatePlan", "updateProduct"}, admin)
	// The customer's own: 9 of orders and payments, 7 of subscriptions
	// (setup, create, list, get, cancel, resume, card).
	require.Len(t, secured, len(admin)+9+7, "admin operations plus the customer's own: %v", secured)
}
