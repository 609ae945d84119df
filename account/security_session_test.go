package account_test

// Security tests for issue 12, findings 3 (tokens outlive role changes and
// deletion) and 4 (logout does not end a session). See docs/security.md.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/payment"
)

// paidPayment is a card payment of a new customer's order, confirmed.
func paidPayment(t *testing.T, site *sitetest.Site) *paydeck.Payment {
	t.Helper()
	customer := site.User(t, paydeck.RoleCustomer)
	o := site.Order(t, customer, apptest.Line(site.Product(t, 30_000, 10), 1))
	key := site.Authorize(t, o, "CARD")
	p, err := site.Payments.Confirm(t.Context(), apptest.As(customer),
		payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)
	return p
}

func apiToken(t *testing.T, site *sitetest.Site, u *paydeck.User) string {
	t.Helper()
	a := &apitest.API{Env: site.Env, URL: site.URL}
	return a.Login(t, u.Email, sitetest.SitePassword)
}

func apiGet(t *testing.T, site *sitetest.Site, token, path string) int {
	t.Helper()
	a := &apitest.API{Env: site.Env, URL: site.URL}
	return a.Do(t, apitest.Request{Method: http.MethodGet, Path: path, Token: token}).Status
}

// TestCopiedCookieDiesAtLogout (finding 4): someone holding a copy of an
// admin's cookie (and the CSRF token of a page) can do nothing once the
// admin has logged out: the pages send them to sign in and a refund posted
// with the copy changes nothing. Before the fix the copy still refunded.
func TestCopiedCookieDiesAtLogout(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		p := paidPayment(t, site)
		admin := site.Visitor(t)
		admin.SignIn(t, site.User(t, paydeck.RoleAdmin))
		require.Equal(t, http.StatusOK, admin.Get(t, "/admin/").Status)
		thief := admin.Clone(t)
		require.Equal(t, http.StatusOK, thief.Get(t, "/admin/orders").Status, "the copy works while the admin is signed in")

		require.Equal(t, http.StatusSeeOther, admin.Post(t, "/logout", url.Values{}).Status)

		page := thief.Get(t, "/admin/orders")
		require.Equal(t, http.StatusSeeOther, page.Status)
		require.True(t, strings.HasPrefix(page.Location(), "/login?next="), page.Location())
		r := thief.Post(t, "/admin/payments/"+p.PaymentKey+"/refund", url.Values{"amount": {"5000"}, "reason": {"x"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.True(t, strings.HasPrefix(r.Location(), "/login?next="), r.Location())
		require.Empty(t, site.Refunds(t, p.ID))
		require.Equal(t, p.Amount, site.PaymentByKey(t, p.PaymentKey).BalanceAmount)

		// The shop, too, no longer knows the copy.
		require.Equal(t, http.StatusSeeOther, thief.Get(t, "/orders").Status)
	})
}

// TestAPILogoutEndsTheToken (finding 4, API): after POST /api/auth/logout
// the token is refused on every operation.
func TestAPILogoutEndsTheToken(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		tok := apiToken(t, site, site.User(t, paydeck.RoleAdmin))
		require.Equal(t, http.StatusOK, apiGet(t, site, tok, "/api/admin/stats"))
		a := &apitest.API{Env: site.Env, URL: site.URL}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/logout", Token: tok}, http.StatusNoContent, nil)
		require.Equal(t, http.StatusUnauthorized, apiGet(t, site, tok, "/api/admin/stats"))
		require.Equal(t, http.StatusUnauthorized, apiGet(t, site, tok, "/api/me"))
	})
}

// TestDemotedAdminIsRefusedAtOnce (finding 3): an admin demoted in the
// database (by hand, say) loses admin access on the very next request
// with a bearer token and with a cookie; demoted through the account
// service, all their sessions end. Before the fix the token kept its role
// claim for up to an hour.
func TestDemotedAdminIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		u := site.User(t, paydeck.RoleAdmin)
		tok := apiToken(t, site, u)
		browser := site.Visitor(t)
		browser.SignIn(t, u)
		require.Equal(t, http.StatusOK, apiGet(t, site, tok, "/api/admin/stats"))
		require.Equal(t, http.StatusOK, browser.Get(t, "/admin/").Status)

		u.Role = paydeck.RoleCustomer
		require.NoError(t, env.DB.Update(t.Context(), func(tx paydeck.Tx) error { return tx.UpdateUser(t.Context(), u) }))
		require.Equal(t, http.StatusForbidden, apiGet(t, site, tok, "/api/admin/stats"))
		require.Equal(t, http.StatusForbidden, apiGet(t, site, tok, "/api/admin/settlements?from=2026-01-01&to=2026-01-31"))
		require.Equal(t, http.StatusForbidden, browser.Get(t, "/admin/").Status)
		require.Equal(t, http.StatusOK, apiGet(t, site, tok, "/api/me"), "still a customer")

		require.NoError(t, site.Accounts.SetRole(t.Context(), u.ID, paydeck.RoleCustomer))
		require.Equal(t, http.StatusUnauthorized, apiGet(t, site, tok, "/api/me"), "a role change ends every session")
		require.Equal(t, http.StatusSeeOther, browser.Get(t, "/admin/").Status)
	})
}

// TestDeletedAdminIsRefusedAtOnce (finding 3): deleting an admin ends
// their token and cookie on the next request.
func TestDeletedAdminIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		u := site.User(t, paydeck.RoleAdmin)
		tok := apiToken(t, site, u)
		browser := site.Visitor(t)
		browser.SignIn(t, u)
		require.Equal(t, http.StatusOK, apiGet(t, site, tok, "/api/admin/stats"))

		require.NoError(t, site.Accounts.DeleteUser(t.Context(), u.ID))
		require.Equal(t, http.StatusUnauthorized, apiGet(t, site, tok, "/api/admin/stats"))
		a := &apitest.API{Env: site.Env, URL: site.URL}
		a.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/api/products/00000000-0000-4000-8000-000000000000",
			Token: tok, Body: map[string]any{"price": 100}}).RequireProblem(t, http.StatusUnauthorized)
		require.Equal(t, http.StatusSeeOther, browser.Get(t, "/admin/").Status)

		err := site.Accounts.DeleteUser(t.Context(), site.Order(t, site.User(t, paydeck.RoleCustomer),
			apptest.Line(site.Product(t, 1000, 1), 1)).UserID)
		require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(err), "a user with orders stays")
	})
}

// TestPasswordChangeEndsEverySession (finding 4): changing the password
// (PUT /api/me/password, with the current one) ends the account's tokens
// and page sessions; the new password signs in, the old one does not; the
// new one must follow the password rules.
func TestPasswordChangeEndsEverySession(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		u := site.User(t, paydeck.RoleCustomer)
		tok := apiToken(t, site, u)
		other := apiToken(t, site, u)
		browser := site.Visitor(t)
		browser.SignIn(t, u)
		require.Equal(t, http.StatusOK, browser.Get(t, "/orders").Status)
		a := &apitest.API{Env: site.Env, URL: site.URL}
		change := func(current, next string) *apitest.Response {
			return a.Do(t, apitest.Request{Method: http.MethodPut, Path: "/api/me/password", Token: tok,
				Body: map[string]string{"currentPassword": current, "newPassword": next}})
		}
		change("not my password", "a brand new passphrase").RequireProblem(t, http.StatusUnauthorized)
		change(sitetest.SitePassword, "password123").RequireProblem(t, http.StatusUnprocessableEntity)
		require.Equal(t, http.StatusNoContent, change(sitetest.SitePassword, "a brand new passphrase").Status)

		require.Equal(t, http.StatusUnauthorized, apiGet(t, site, tok, "/api/me"))
		require.Equal(t, http.StatusUnauthorized, apiGet(t, site, other, "/api/me"))
		require.Equal(t, http.StatusSeeOther, browser.Get(t, "/orders").Status)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/login",
			Body: map[string]string{"email": u.Email, "password": sitetest.SitePassword}}).RequireProblem(t, http.StatusUnauthorized)
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/login",
			Body: map[string]string{"email": u.Email, "password": "a brand new passphrase"}}, http.StatusOK, nil)
	})
}

// TestAdminSessionsIdleOutAndExpire (finding 4): an admin's session ends
// after 30 minutes without use and 12 hours after sign-in however busy; a
// customer's page session does not idle out.
func TestAdminSessionsIdleOutAndExpire(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		env.Clock.Freeze()
		site := sitetest.NewSite(t, env)
		idle := site.Visitor(t)
		idle.SignIn(t, site.User(t, paydeck.RoleAdmin))
		busy := site.Visitor(t)
		busy.SignIn(t, site.User(t, paydeck.RoleAdmin))
		customer := site.Visitor(t)
		customer.SignIn(t, site.User(t, paydeck.RoleCustomer))
		tok := apiToken(t, site, site.User(t, paydeck.RoleAdmin))

		env.Clock.Advance(29 * time.Minute)
		require.Equal(t, http.StatusOK, busy.Get(t, "/admin/").Status)
		require.Equal(t, http.StatusOK, apiGet(t, site, tok, "/api/admin/stats"))
		env.Clock.Advance(2 * time.Minute) // idle has been unused 31 minutes, busy 2
		require.Equal(t, http.StatusSeeOther, idle.Get(t, "/admin/").Status, "idle admin session ended")
		require.Equal(t, http.StatusOK, busy.Get(t, "/admin/").Status)
		require.Equal(t, http.StatusOK, apiGet(t, site, tok, "/api/admin/stats"), "a token idles out too, not before")

		for range 12 * 3 { // busy every 20 minutes for 12 hours
			env.Clock.Advance(20 * time.Minute)
			if busy.Get(t, "/admin/").Status != http.StatusOK {
				break
			}
		}
		require.Equal(t, http.StatusSeeOther, busy.Get(t, "/admin/").Status, "12 hours after sign-in the session ends")
		require.Equal(t, http.StatusOK, customer.Get(t, "/orders").Status, "customers stay signed in")
		require.Equal(t, http.StatusUnauthorized, apiGet(t, site, tok, "/api/admin/stats"))
	})
}

// TestSessionSecretsAreNotStored: the sessions table holds hashes, so a
// copy of it signs no one in.
func TestSessionSecretsAreNotStored(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	svc, err := account.New(account.Config{Store: env.DB, Now: env.Clock.Now})
	require.NoError(t, err)
	u := sitetest.NewSite(t, env).User(t, paydeck.RoleCustomer)
	secret, _, err := svc.StartSession(t.Context(), u, paydeck.SessionWeb)
	require.NoError(t, err)
	require.NoError(t, env.DB.View(t.Context(), func(tx paydeck.Tx) error {
		_, err := tx.FindSessionByID(t.Context(), secret)
		require.Equal(t, paydeck.CodeNotFound, paydeck.ErrorCode(err))
		return nil
	}))
	got, err := svc.SessionUser(t.Context(), paydeck.SessionWeb, secret)
	require.NoError(t, err)
	require.Equal(t, u.ID, got.ID)
	_, err = svc.SessionUser(t.Context(), paydeck.SessionAPI, secret)
	require.ErrorIs(t, err, account.ErrNoSession, "a page session is no API session")
}

// TestShortIdleTimeoutCountsUse: with an idle timeout shorter than the
// usual once-a-minute refresh, a session in use is refreshed often enough
// not to end while used.
func TestShortIdleTimeoutCountsUse(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	env.Clock.Freeze()
	svc, err := account.New(account.Config{Store: env.DB, Now: env.Clock.Now, AdminIdle: time.Minute})
	require.NoError(t, err)
	u := sitetest.NewSite(t, env).User(t, paydeck.RoleAdmin)
	secret, _, err := svc.StartSession(t.Context(), u, paydeck.SessionWeb)
	require.NoError(t, err)
	for range 4 { // used every 45 s for 3 minutes
		env.Clock.Advance(45 * time.Second)
		_, err := svc.SessionUser(t.Context(), paydeck.SessionWeb, secret)
		require.NoError(t, err)
	}
	env.Clock.Advance(61 * time.Second)
	_, err = svc.SessionUser(t.Context(), paydeck.SessionWeb, secret)
	require.ErrorIs(t, err, account.ErrNoSession)
}

// TestTokenExpiryIsTheEarlierEnd: the expiry IssueToken reports is the
// token's (whole seconds) or, when an admin's session must end sooner,
// the session's.
func TestTokenExpiryIsTheEarlierEnd(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	env.Clock.Freeze()
	svc, err := account.New(account.Config{Store: env.DB, Now: env.Clock.Now, TokenKey: apptest.APISecret,
		AdminIdle: 10 * time.Minute, AdminMaxAge: 30 * time.Minute})
	require.NoError(t, err)
	site := sitetest.NewSite(t, env)
	now := env.Clock.Now()
	_, exp, err := svc.IssueToken(t.Context(), site.User(t, paydeck.RoleCustomer))
	require.NoError(t, err)
	require.Equal(t, now.Truncate(time.Second).Add(account.DefaultTokenTTL), exp)
	_, exp, err = svc.IssueToken(t.Context(), site.User(t, paydeck.RoleAdmin))
	require.NoError(t, err)
	require.Equal(t, now.Add(30*time.Minute).UTC().Truncate(time.Microsecond), exp.UTC())
}
