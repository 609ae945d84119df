package webhook_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/webhook"
)

// nodeDir holds the Node check: the stock "standardwebhooks" npm package,
// pinned by package-lock.json.
const nodeDir = "testdata/node"

// nodeCheck returns a function that runs testdata/node/check.js with one
// request, installing the locked npm packages first when needed. Without
// node and npm the test skips, except under CI=true, where it fails.
func nodeCheck(t *testing.T) func(req map[string]any) map[string]any {
	t.Helper()
	_, errNode := exec.LookPath("node")
	_, errNPM := exec.LookPath("npm")
	if errNode != nil || errNPM != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node and npm are required in CI (the Standard Webhooks cross-check)")
		}
		t.Skip("node or npm not installed")
	}
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "standardwebhooks")); err != nil {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = nodeDir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "npm ci: %s", out)
	}
	return func(req map[string]any) map[string]any {
		in, err := json.Marshal(req)
		require.NoError(t, err)
		cmd := exec.Command("node", "check.js")
		cmd.Dir = nodeDir
		cmd.Stdin = bytes.NewReader(in)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, "node: %s", stderr.String())
		var res map[string]any
		require.NoError(t, json.Unmarshal(out, &res), "node said %s", out)
		return res
	}
}

// TestNodeLibraryVerifiesOurs: the npm Standard Webhooks library accepts
// what Sign and Headers produce (also with two secrets during a rotation),
// refuses a changed body, and signs exactly as Sign does.
func TestNodeLibraryVerifiesOurs(t *testing.T) {
	t.Parallel()
	check := nodeCheck(t)
	secret, old := webhook.NewSecret(), webhook.NewSecret()
	now := time.Now()
	body := `{"id":"evt_01","type":"order.paid","created":"2026-12-04T11:00:00Z","data":{"orderId":"ORD1","finalAmount":16800}}`
	h, err := webhook.Headers("evt_01", now, []byte(body), secret, old)
	require.NoError(t, err)
	headers := map[string]string{}
	for k := range h {
		headers[k] = h.Get(k)
	}
	for _, s := range []string{secret, old} {
		res := check(map[string]any{"op": "verify", "secret": s, "headers": headers, "body": body})
		require.Equal(t, true, res["ok"], "node refused: %v", res["error"])
	}
	res := check(map[string]any{"op": "verify", "secret": secret, "headers": headers, "body": body + " "})
	require.Equal(t, false, res["ok"])
	res = check(map[string]any{"op": "verify", "secret": webhook.NewSecret(), "headers": headers, "body": body})
	require.Equal(t, false, res["ok"])

	// And ours verifies what the library signs.
	res = check(map[string]any{"op": "sign", "secret": secret, "id": "evt_02",
		"timestamp": now.Unix(), "body": body})
	sig, _ := res["signature"].(string)
	h2 := http.Header{}
	h2.Set(webhook.HeaderID, "evt_02")
	h2.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h2.Set(webhook.HeaderSignature, sig)
	require.NoError(t, webhook.Verify(secret, h2, []byte(body), now))
	ours, err := webhook.Sign(secret, "evt_02", now, []byte(body))
	require.NoError(t, err)
	require.Equal(t, ours, sig)
}
