package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
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
		"Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(sandbox.WidgetSecretKey+":")),
		sandbox.ControlTokenHeader, sandboxToken(t, m)))
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

// TestServeSetsUpADemoShop: the first start in sandbox mode on an empty
// database gives a shop a person can use at once — the demo catalogue, the
// payment methods and an admin whose password is in demo-admin.txt (0600),
// never in the log. A second start adds nothing; a shop with Toss keys gets
// nothing.
func TestServeSetsUpADemoShop(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	env := map[string]string{"PAYDECK_DATA_DIR": dataDir}
	m, out := newMain(t, env)
	r := start(t, m, out, "serve")

	file := filepath.Join(dataDir, demoAdminFile)
	info, err := os.Stat(file)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	content, err := os.ReadFile(file)
	require.NoError(t, err)
	password := regexp.MustCompile(`password: (\S+)`).FindSubmatch(content)
	require.NotNil(t, password, "%s", content)
	require.NotContains(t, out.String(), string(password[1]), "the password is never logged")

	var tok struct{ AccessToken string }
	require.Equal(t, http.StatusOK, postJSON(t, r.url+"/api/auth/login",
		map[string]string{"email": DemoAdminEmail, "password": string(password[1])}, &tok))
	resp, body := get(t, r.url+"/api/me", "Authorization", "Bearer "+tok.AccessToken)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, `"role":"admin"`)
	var products struct{ Total int }
	_, body = get(t, r.url+"/api/products")
	require.NoError(t, json.Unmarshal([]byte(body), &products), body)
	require.Equal(t, len(demoProducts), products.Total)
	var coupons struct {
		Items []struct {
			Code           string `json:"code"`
			MinOrderAmount int64  `json:"minOrderAmount"`
		} `json:"items"`
	}
	_, body = get(t, r.url+"/api/admin/coupons", "Authorization", "Bearer "+tok.AccessToken)
	require.NoError(t, json.Unmarshal([]byte(body), &coupons), body)
	require.Len(t, coupons.Items, 1, "the demo coupon")
	require.Equal(t, "WELCOME3000", coupons.Items[0].Code)
	require.NoError(t, r.stop(t))

	// A second start on the same data dir changes nothing.
	m2, out2 := newMain(t, env)
	r2 := start(t, m2, out2, "serve")
	_, body = get(t, r2.url+"/api/products")
	require.NoError(t, json.Unmarshal([]byte(body), &products), body)
	require.Equal(t, len(demoProducts), products.Total)
	again, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, content, again)
	require.NoError(t, r2.stop(t))

	// With Toss keys (not sandbox mode) an empty database stays empty.
	keyed := t.TempDir()
	m3, out3 := newMain(t, map[string]string{"PAYDECK_DATA_DIR": keyed,
		"TOSS_CLIENT_KEY": sandbox.DocsClientKey, "TOSS_SECRET_KEY": sandbox.DocsSecretKey})
	r3 := start(t, m3, out3, "serve")
	_, body = get(t, r3.url+"/api/products")
	require.NoError(t, json.Unmarshal([]byte(body), &products), body)
	require.Zero(t, products.Total)
	require.NoFileExists(t, filepath.Join(keyed, demoAdminFile))
	require.NoError(t, r3.stop(t))
}

// TestServeProfilesOnItsOwnListener: PAYDECK_PPROF_ADDR opens net/http/pprof
// on a separate listener; the public server never serves it.
func TestServeProfilesOnItsOwnListener(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, map[string]string{"PAYDECK_PPROF_ADDR": "127.0.0.1:0"})
	r := start(t, m, out, "serve")
	require.NotEmpty(t, m.pprofAddr)

	resp, body := get(t, "http://"+m.pprofAddr+"/debug/pprof/goroutine?debug=1")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "goroutine profile")
	resp, _ = get(t, r.url+"/debug/pprof/")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}
