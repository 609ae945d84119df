package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/auth"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// postJSON posts body as JSON with the extra header pairs and decodes the
// answer into out; it returns the status.
func postJSON(t *testing.T, u string, body any, out any, header ...string) int {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(raw, out), "%s", raw)
	}
	if resp.StatusCode >= 300 {
		t.Logf("POST %s: %s", u, raw)
	}
	return resp.StatusCode
}

// TestServeMountsTheAPI: serve in sandbox mode wires the API, the payment
// service (talking to the mounted sandbox with the widget key pair), and
// the job workers: a customer orders and pays through real HTTP.
func TestServeMountsTheAPI(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, nil)
	r := start(t, m, out, "serve")

	resp, body := get(t, r.url+"/openapi.json")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, `"openapi":"3.1.0"`)
	resp, _ = get(t, r.url+"/docs/")
	require.Equal(t, http.StatusOK, resp.StatusCode)

	product := &paydeck.Product{Name: "제주 감귤 5kg", Price: 29_900, StockQuantity: 5, IsActive: true}
	require.NoError(t, m.db.Update(t.Context(), func(tx paydeck.Tx) error { return tx.CreateProduct(t.Context(), product) }))

	creds := map[string]string{"email": "kim@example.com", "password": "correct horse battery"}
	require.Equal(t, http.StatusCreated, postJSON(t, r.url+"/api/auth/signup",
		map[string]string{"email": creds["email"], "password": creds["password"], "name": "김"}, nil))
	var tok struct{ AccessToken string }
	require.Equal(t, http.StatusOK, postJSON(t, r.url+"/api/auth/login", creds, &tok))
	auth := []string{"Authorization", "Bearer " + tok.AccessToken}

	var order struct {
		OrderID     string
		FinalAmount int64
	}
	require.Equal(t, http.StatusCreated, postJSON(t, r.url+"/api/orders", map[string]any{
		"items": []map[string]any{{"productId": product.ID, "quantity": 1}}, "shipping": map[string]string{"name": "김", "address": "서울특별시 중구 세종대로 110"},
	}, &order, auth...))
	var co struct{ ClientKey, SDKURL string }
	_, body = get(t, r.url+"/api/orders/"+order.OrderID+"/checkout", auth...)
	require.NoError(t, json.Unmarshal([]byte(body), &co))
	require.Equal(t, sandbox.WidgetClientKey, co.ClientKey)
	require.Equal(t, r.url+"/toss-sandbox/v2/standard", co.SDKURL)

	var authz struct{ PaymentKey string }
	require.Equal(t, http.StatusOK, postJSON(t, r.url+"/toss-sandbox/v1/sandbox/authorize",
		map[string]any{"orderId": order.OrderID, "amount": order.FinalAmount, "orderName": "감귤"}, &authz,
		"Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(sandbox.WidgetSecretKey+":"))))
	var pay struct{ Status string }
	require.Equal(t, http.StatusOK, postJSON(t, r.url+"/api/payments/confirm",
		map[string]any{"paymentKey": authz.PaymentKey, "orderId": order.OrderID, "amount": order.FinalAmount}, &pay, auth...))
	require.Equal(t, "done", pay.Status)
	require.NotContains(t, out.String(), sandbox.WidgetSecretKey, "the secret key is never logged")
}

// TestServeMountsTheJobQueueForAdmins: River UI answers under /admin/jobs/
// for a signed-in admin and sends anyone else to the sign-in page.
func TestServeMountsTheJobQueueForAdmins(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, nil)
	r := start(t, m, out, "serve")
	hash, err := auth.HashPassword("admin password 1")
	require.NoError(t, err)
	require.NoError(t, m.db.Update(t.Context(), func(tx paydeck.Tx) error {
		return tx.CreateUser(t.Context(), &paydeck.User{Email: "admin@example.com", PasswordHash: hash, Name: "관리자", Role: paydeck.RoleAdmin})
	}))

	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	anon := &http.Client{CheckRedirect: noRedirect}
	resp, err := anon.Get(r.url + "/admin/jobs/api/queues")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Location"), "/login")

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	admin := &http.Client{Jar: jar, CheckRedirect: noRedirect}
	resp, err = admin.Get(r.url + "/login")
	require.NoError(t, err)
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	require.NotNil(t, csrf, "the sign-in form carries a CSRF token")
	resp, err = admin.PostForm(r.url+"/login", url.Values{"csrf": {string(csrf[1])},
		"email": {"admin@example.com"}, "password": {"admin password 1"}, "next": {"/admin/"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	resp, err = admin.Get(r.url + "/admin/jobs/api/queues")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.Contains(t, string(body), `"name":"default"`)
}
