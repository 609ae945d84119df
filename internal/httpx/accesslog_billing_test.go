package httpx_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/httpx"
)

// TestAccessLogHidesBillingKeys: in sandbox mode paydeck serves the Toss
// sandbox, whose billing paths carry billing keys (POST and DELETE
// /v1/billing/{billingKey}); the access log must not print them.
func TestAccessLogHidesBillingKeys(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	h := httpx.AccessLog(logger, nil)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	for _, path := range []string{"/toss-sandbox/v1/billing/Zm9vYmFyS2V5U2VjcmV0+/x=", "/v1/billing/Zm9vYmFyS2V5U2VjcmV0"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, path, nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/toss-sandbox/v1/billing/authorizations/issue", nil))
	require.NotContains(t, buf.String(), "Zm9vYmFyS2V5U2VjcmV0")
	require.Contains(t, buf.String(), `"/toss-sandbox/v1/billing/[redacted]"`)
	require.Contains(t, buf.String(), `"/toss-sandbox/v1/billing/authorizations/issue"`)
}
