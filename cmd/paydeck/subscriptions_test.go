package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// TestSandboxModeSubscription: the sandbox-mode demo shop offers its demo
// plan; a shopper subscribes through the mounted sandbox's billing API with
// the customerKey paydeck gives out, and no billing key reaches the logs.
func TestSandboxModeSubscription(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, map[string]string{"PAYDECK_DATA_DIR": t.TempDir()})
	r := start(t, m, out, "serve")
	defer func() { require.NoError(t, r.stop(t)) }()

	var plans struct {
		Items []struct{ ID, Name string }
	}
	_, body := get(t, r.url+"/api/plans")
	require.NoError(t, json.Unmarshal([]byte(body), &plans), body)
	require.Len(t, plans.Items, 1, "the demo plan")

	require.Equal(t, http.StatusCreated, postJSON(t, r.url+"/api/auth/signup",
		map[string]string{"email": "subscriber@example.com", "password": "subscriber-1", "name": "구독자"}, nil))
	var tok struct{ AccessToken string }
	require.Equal(t, http.StatusOK, postJSON(t, r.url+"/api/auth/login",
		map[string]string{"email": "subscriber@example.com", "password": "subscriber-1"}, &tok))
	bearer := "Bearer " + tok.AccessToken
	var setup struct{ ClientKey, CustomerKey string }
	_, body = get(t, r.url+"/api/subscriptions/setup", "Authorization", bearer)
	require.NoError(t, json.Unmarshal([]byte(body), &setup), body)
	require.Equal(t, sandbox.DocsClientKey, setup.ClientKey, "billing uses the API individual key pair")

	var auth struct{ AuthKey string }
	require.Equal(t, http.StatusOK, postJSON(t, r.url+"/toss-sandbox/v1/sandbox/billing/auth-keys",
		map[string]string{"customerKey": setup.CustomerKey}, &auth,
		"Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(sandbox.DocsSecretKey+":")),
		sandbox.ControlTokenHeader, sandboxToken(t, m)))
	var sub struct{ ID, Status string }
	require.Equal(t, http.StatusCreated, postJSON(t, r.url+"/api/subscriptions",
		map[string]string{"planId": plans.Items[0].ID, "authKey": auth.AuthKey, "customerKey": setup.CustomerKey}, &sub,
		"Authorization", bearer))
	require.Equal(t, "trialing", sub.Status, "the demo plan has a trial")
	keys := m.sandbox.BillingKeysOf(setup.CustomerKey)
	require.Len(t, keys, 1)
	// Cancelling deletes the key at the (mounted) sandbox: DELETE
	// /toss-sandbox/v1/billing/{billingKey} goes through the access log.
	require.Equal(t, http.StatusOK, postJSON(t, r.url+"/api/subscriptions/"+sub.ID+"/cancel",
		map[string]bool{"atPeriodEnd": false}, &sub, "Authorization", bearer))
	require.Equal(t, "canceled", sub.Status)
	require.Empty(t, m.sandbox.BillingKeysOf(setup.CustomerKey))
	require.Contains(t, out.String(), "/toss-sandbox/v1/billing/[redacted]")
	require.NotContains(t, out.String(), keys[0])
}
