package sandbox_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// TestControlTokenGuardsTheControlAPI (security finding 7): with a
// ControlToken, the control API answers 401 UNAUTHORIZED_KEY to a request
// with a valid sandbox key but without the token (or with a wrong one),
// and works with it; the core API and the SDK script need no token.
func TestControlTokenGuardsTheControlAPI(t *testing.T) {
	t.Parallel()
	srv, err := sandbox.New(sandbox.Options{ControlToken: "ctl-secret-0123456789"})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	do := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.SetBasicAuth(sk, "")
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set(sandbox.ControlTokenHeader, token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	authorize := `{"orderId":"order-ctl-1","amount":1000,"orderName":"x","method":"CARD"}`
	for _, token := range []string{"", "wrong", "ctl-secret-012345678"} {
		status, body := do("POST", "/v1/sandbox/authorize", token, authorize)
		require.Equal(t, http.StatusUnauthorized, status, "token %q: %s", token, body)
		require.Contains(t, body, "UNAUTHORIZED_KEY")
		status, body = do("GET", "/v1/sandbox/webhooks", token, "")
		require.Equal(t, http.StatusUnauthorized, status, "token %q: %s", token, body)
	}
	status, body := do("POST", "/v1/sandbox/authorize", "ctl-secret-0123456789", authorize)
	require.Equal(t, http.StatusOK, status, body)
	status, body = do("GET", "/v1/payments/orders/order-ctl-1", "", "")
	require.Equal(t, http.StatusOK, status, "the core API needs no control token: %s", body)
	resp, err := http.Get(ts.URL + "/v2/standard")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode, "the SDK script needs no control token")
}
