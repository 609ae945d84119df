package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// injections are values an attacker puts in a filter: SQL that would widen
// or stack a query if it reached the SQL text, LIKE wildcards, placeholder
// markers, a NUL byte and comment starts. None names real data.
var injections = []string{
	`' OR '1'='1`,
	`' OR 1=1--`,
	`paid' OR 'a'='a`,
	`pending'); DROP TABLE orders;--`,
	`1; DELETE FROM products`,
	`0 UNION SELECT email, password_hash FROM users--`,
	`') OR ('1'='1`,
	`'||(SELECT password_hash FROM users LIMIT 1)||'`,
	`%`, `_`, `\`, `%' --`,
	`$1`, `?`,
	"paid\x00",
	`/**/OR/**/1=1`,
	`2026-11-01' OR '1'='1`,
	`true OR 1=1`,
}

// TestFilterInjection sends every injection value in every query parameter
// of every GET operation in the published OpenAPI document (so a filter
// added later is covered without touching this test), as each caller the
// operation admits, on both engines. Each answer is a clean problem+json
// 4xx, or a 200 whose list holds no rows: no value names real data, so any
// row would be one the value let in. The data is intact afterwards.
func TestFilterInjection(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 5000, 20)
		_, alice := a.SignUp(t, "alice")
		_, bob := a.SignUp(t, "bob")
		paidOrder := placeOrder(t, a, alice, p.ID, 1)
		authorizeAndConfirm(t, a, alice, paidOrder, "CARD", http.StatusOK)
		placeOrder(t, a, bob, p.ID, 1)
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payment-methods", Token: admin,
			Body: map[string]any{"name": "카드", "type": "card", "feeRate": 320}}, http.StatusCreated, nil)

		var doc struct {
			Paths map[string]map[string]struct {
				OperationID string                `json:"operationId"`
				Security    []map[string][]string `json:"security"`
				Responses   map[string]any        `json:"responses"`
				Parameters  []struct {
					Name string `json:"name"`
					In   string `json:"in"`
				} `json:"parameters"`
			} `json:"paths"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/openapi.json"}, http.StatusOK, &doc)

		counts := func() map[string]int { // what each list holds before and after
			n := map[string]int{}
			for _, path := range []string{"/api/products?includeInactive=true", "/api/orders", "/api/payment-methods?includeInactive=true"} {
				var page struct {
					Total int
					Items []json.RawMessage
				}
				a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: path, Token: admin}, http.StatusOK, &page)
				n[path] = max(page.Total, len(page.Items))
			}
			return n
		}
		before := counts()
		for path, n := range before {
			require.Positive(t, n, "%s has rows an injection could let in", path)
		}

		var tested []string
		statuses := map[string]map[int]int{} // operation?param → status → answers
		for path, ops := range doc.Paths {
			op, ok := ops["get"]
			if !ok || !strings.HasPrefix(path, "/api/") || strings.Contains(path, "{") {
				continue
			}
			callers := map[string]string{"customer": alice, "other customer": bob, "admin": admin}
			if _, adminOnly := op.Responses["403"]; adminOnly {
				callers = map[string]string{"admin": admin}
			} else if len(op.Security) == 0 {
				callers["anonymous"] = ""
			}
			for _, param := range op.Parameters {
				if param.In != "query" {
					continue
				}
				name := op.OperationID + "?" + param.Name
				tested = append(tested, name)
				statuses[name] = map[int]int{}
				for who, token := range callers {
					for _, value := range injections {
						target := path + "?" + url.Values{param.Name: {value}}.Encode()
						res := a.Do(t, apitest.Request{Method: http.MethodGet, Path: target, Token: token})
						statuses[name][res.Status]++
						requireClean4xx(t, res, who+" "+target)
						if res.Status >= 400 {
							require.Less(t, res.Status, 500)
							continue
						}
						require.Equal(t, http.StatusOK, res.Status, "%s %s: %s", who, target, res.Body)
						var page struct {
							Items *[]json.RawMessage `json:"items"`
						}
						res.Decode(t, &page)
						require.NotNil(t, page.Items, "%s %s answered 200 but is not a list: %s", who, target, res.Body)
						require.Empty(t, *page.Items, "%s %s let rows in: %s", who, target, res.Body)
					}
				}
			}
		}
		sort.Strings(tested)
		for _, name := range tested {
			t.Logf("%s: %v", name, statuses[name])
		}
		require.Positive(t, statuses["listProducts?search"][http.StatusOK], "free text is searched for, and finds nothing")
		require.Positive(t, statuses["listProducts?category"][http.StatusOK], "a category is compared, and finds nothing")
		require.Equal(t, []string{"getReconciliation?date", "getSettlements?from", "getSettlements?to", "getStats?from", "getStats?to",
			"listCoupons?limit", "listCoupons?offset", "listEvents?after", "listEvents?limit", "listEvents?types", "listEvents?waitSeconds", "listOrders?limit", "listOrders?offset", "listOrders?status", "listOutbox?limit", "listOutbox?offset", "listPaymentMethods?includeInactive",
			"listProducts?category", "listProducts?digital", "listProducts?includeInactive", "listProducts?limit", "listProducts?offset", "listProducts?search",
			"listSubscriptions?limit", "listSubscriptions?offset", "listSubscriptions?status"}, tested)
		require.Equal(t, before, counts(), "no injection changed the data")
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/me", Token: alice}, http.StatusOK, nil)
	})
}

// TestNULInTextFilters: a NUL byte in the free-text filter is refused with
// a 422 on both engines. It used to list every product whose name contains
// the text before the NUL on SQLite (LIKE patterns end there) and answer
// 500 on PostgreSQL (SQLSTATE 22021).
func TestNULInTextFilters(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		createProduct(t, a, admin, 5000, 20)
		for _, value := range []string{"\x00", "삼다수\x00' OR '1'='1", "x\x00%"} {
			target := "/api/products?" + url.Values{"search": {value}}.Encode()
			detail := a.Do(t, apitest.Request{Method: http.MethodGet, Path: target}).RequireProblem(t, http.StatusUnprocessableEntity)
			require.NotEmpty(t, detail, target)
		}
	})
}
