package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// TestProblemsNeverEchoSecrets (security finding 15): a 422 for an
// unexpected, missing or mistyped field does not echo the password (or
// any other secret field, or the whole body); other scalar values are
// still shown to help the client.
func TestProblemsNeverEchoSecrets(t *testing.T) {
	t.Parallel()
	a := apitest.NewAPI(t, apptest.New(t, "sqlite"))
	const pw = "hunter2-very-secret-pw"
	for _, tc := range []struct{ path, body string }{
		{"/api/auth/login", `{"email":"kim@example.kr","password":"` + pw + `","extra":1}`},
		{"/api/auth/signup", `{"email":"kim@example.kr","password":"` + pw + `"}`},
		{"/api/auth/signup", `{"email":"kim@example.kr","password":"` + pw + `","name":"김","role":"admin"}`},
		{"/api/auth/login", `{"email":"kim@example.kr","password":["` + pw + `"]}`},
		{"/api/auth/signup", `{"email":"kim@example.kr","password":"` + pw[:3] + `","name":"김"}`},
	} {
		res := a.Do(t, apitest.Request{Method: http.MethodPost, Path: tc.path, Body: tc.body})
		res.RequireProblem(t, http.StatusUnprocessableEntity)
		require.NotContains(t, string(res.Body), pw[:3], "%s %s: %s", tc.path, tc.body, res.Body)
	}
	res := a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/signup",
		Body: `{"email":"kim@example.kr","password":"` + pw + `","name":12345}`})
	res.RequireProblem(t, http.StatusUnprocessableEntity)
	require.Contains(t, string(res.Body), `"value":12345`, "a plain field's value is still echoed")
	require.False(t, strings.Contains(string(res.Body), pw))
}
