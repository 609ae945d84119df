package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

func login(email, password string) apitest.Request {
	return apitest.Request{Method: http.MethodPost, Path: "/api/auth/login", Body: map[string]string{"email": email, "password": password}}
}

// TestLoginRateLimitPerAccount: after the burst of failed attempts on one
// account from one client even the right password gets 429 with
// Retry-After, until the bucket refills; unknown emails and wrong passwords
// look the same. (security_login_test.go checks that other clients are
// unaffected.)
func TestLoginRateLimitPerAccount(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	env.Clock.Freeze() // Retry-After is asserted to the second
	a := apitest.NewAPI(t, env, func(d *api.Deps) {
		d.LoginAccountLimit = api.RateLimit{Burst: 3, Every: time.Minute}
	})
	email, _ := a.SignUp(t, "kim") // the login inside SignUp succeeds: it refills the bucket
	wrong := a.Do(t, login(email, "wrong password")).RequireProblem(t, http.StatusUnauthorized)
	unknown := a.Do(t, login("nobody@example.com", "wrong password")).RequireProblem(t, http.StatusUnauthorized)
	require.Equal(t, wrong, unknown, "unknown accounts are not revealed")
	a.Do(t, login(email, "wrong password")).RequireProblem(t, http.StatusUnauthorized)
	a.Do(t, login(email, "wrong password")).RequireProblem(t, http.StatusUnauthorized)

	res := a.Do(t, login(email, apitest.Password))
	res.RequireProblem(t, http.StatusTooManyRequests)
	require.Equal(t, "60", res.Header.Get("Retry-After"))
	a.Do(t, login("nobody@example.com", "x")).RequireProblem(t, http.StatusUnauthorized) // other accounts still work

	env.Clock.Advance(time.Minute)
	a.MustDo(t, login(email, apitest.Password), http.StatusOK, nil)
}

// TestLoginRateLimitPerIP: one client cannot spray many accounts, nor
// sign up without bound (each sign-up hashes a password).
func TestLoginRateLimitPerIP(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	env.Clock.Freeze() // Retry-After is asserted to the second
	a := apitest.NewAPI(t, env, func(d *api.Deps) {
		d.LoginIPLimit = api.RateLimit{Burst: 4, Every: 10 * time.Second}
	})
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com"} {
		a.Do(t, login(email, "guess guess")).RequireProblem(t, http.StatusUnauthorized)
	}
	res := a.Do(t, login("e@example.com", "guess guess"))
	res.RequireProblem(t, http.StatusTooManyRequests)
	require.Equal(t, "10", res.Header.Get("Retry-After"))
	a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/signup", // sign-ups share the IP's bucket
		Body: map[string]string{"email": "f@example.com", "password": "long enough", "name": "f"}}).RequireProblem(t, http.StatusTooManyRequests)
	env.Clock.Advance(10 * time.Second)
	a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/signup",
		Body: map[string]string{"email": "f@example.com", "password": "long enough", "name": "f"}}, http.StatusCreated, nil)
}
