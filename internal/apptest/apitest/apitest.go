package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// API is the HTTP API (api.Register) served over real HTTP on top of an
// Env: the same store, payment service and clock.
type API struct {
	*apptest.Env
	// URL is the API server's base URL.
	URL string
	// Deps are the dependencies the API was registered with.
	Deps api.Deps
}

// NewAPI serves the API for env on an httptest server, closed at t's
// cleanup. Deps get env's store, service and clock, apptest.APISecret, a fast
// password hasher and the sandbox's documentation client key; change lets
// a test adjust them (rate limits, token lifetime) before Register.
func NewAPI(t testing.TB, env *apptest.Env, change ...func(*api.Deps)) *API {
	t.Helper()
	mux := http.NewServeMux()
	ts := httptest.NewUnstartedServer(mux)
	d := api.Deps{Payments: env.Payments, Store: env.DB, Secret: apptest.APISecret, Now: env.Clock.Now, Hasher: apptest.CheapHasher,
		Subscriptions: env.Subscriptions, BillingClientKey: sandbox.DocsClientKey,
		ClientKey: sandbox.DocsClientKey, PublicURL: "http://" + ts.Listener.Addr().String(),
		SDKURL: env.SandboxURL + "/v2/standard", Outbound: env.Outbound}
	for _, c := range change {
		c(&d)
	}
	_, err := api.Register(mux, d)
	require.NoError(t, err)
	ts.Start()
	t.Cleanup(ts.Close)
	return &API{Env: env, URL: ts.URL, Deps: d}
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals the JSON body into v and fails t if it cannot.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), "body: %s", r.Body)
}

// RequireProblem fails t unless the response is an RFC 9457 problem with
// the status, and returns its detail.
func (r *Response) RequireProblem(t testing.TB, status int) string {
	t.Helper()
	require.Equal(t, status, r.Status, "body: %s", r.Body)
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"), "body: %s", r.Body)
	var p struct {
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	r.Decode(t, &p)
	require.Equal(t, status, p.Status)
	require.NotEmpty(t, p.Title)
	return p.Detail
}

// Request is one call to the API; zero fields are left out.
type Request struct {
	Method, Path string
	// Token is sent as "Authorization: Bearer Token".
	Token string
	// Body is sent as is when it is a string or []byte, else as JSON.
	Body any
	// Header adds request headers.
	Header map[string]string
}

// Do sends req to the API and returns the response; transport errors fail t.
func (a *API) Do(t testing.TB, req Request) *Response {
	t.Helper()
	var body io.Reader
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(t, err)
		body = bytes.NewReader(j)
	}
	hr, err := http.NewRequest(req.Method, a.URL+req.Path, body)
	require.NoError(t, err)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(hr)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// MustDo is Do that fails t unless the response has the status, and
// decodes a JSON body into out when out is not nil.
func (a *API) MustDo(t testing.TB, req Request, status int, out any) *Response {
	t.Helper()
	res := a.Do(t, req)
	require.Equal(t, status, res.Status, "%s %s: %s", req.Method, req.Path, res.Body)
	if out != nil {
		res.Decode(t, out)
	}
	return res
}

// userSeq makes the emails of created users unique.
var userSeq atomic.Int64

// Password is the password of every user SignUp and NewAdmin create.
const Password = "correct horse battery"

// SignUp creates a customer through the API with a unique email and
// returns the email and a bearer token from logging in.
func (a *API) SignUp(t testing.TB, name string) (email, token string) {
	t.Helper()
	email = fmt.Sprintf("%s-%d@example.com", strings.ToLower(name), userSeq.Add(1))
	a.MustDo(t, Request{Method: http.MethodPost, Path: "/api/auth/signup",
		Body: map[string]string{"email": email, "password": Password, "name": name}}, http.StatusCreated, nil)
	return email, a.Login(t, email, Password)
}

// Login signs in through the API and returns the bearer token.
func (a *API) Login(t testing.TB, email, password string) string {
	t.Helper()
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	a.MustDo(t, Request{Method: http.MethodPost, Path: "/api/auth/login",
		Body: map[string]string{"email": email, "password": password}}, http.StatusOK, &out)
	require.NotEmpty(t, out.AccessToken)
	return out.AccessToken
}

// NewAdmin creates an admin directly in the store (as `paydeck createadmin`
// does) and returns a bearer token from logging in through the API.
func (a *API) NewAdmin(t testing.TB) string {
	t.Helper()
	hash, err := apptest.CheapHasher.Hash(Password)
	require.NoError(t, err)
	u := &paydeck.User{Email: fmt.Sprintf("admin-%d@example.com", userSeq.Add(1)),
		PasswordHash: hash, Name: "관리자", Role: paydeck.RoleAdmin}
	require.NoError(t, a.DB.Update(t.Context(), func(tx paydeck.Tx) error { return tx.CreateUser(t.Context(), u) }))
	return a.Login(t, u.Email, Password)
}
