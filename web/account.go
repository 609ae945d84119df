package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/ui"
)

// accountForm is the sign-in and sign-up form with its error.
type accountForm struct {
	Email, Name, Next string
	// Error is a message key.
	Error string
}

// safeNext returns next when it is a path on this site, else "/". It
// refuses control characters, spaces, anything outside printable ASCII
// (the paths paydeck links to are URL-escaped) and backslashes anywhere
// (browsers drop tabs and newlines from URLs and read '\' as '/', so
// "/\t/evil.example" would become "//evil.example"), and anything net/url
// parses with a scheme, a host, user info or an opaque part, or that does
// not start with a single '/'.
func safeNext(next string) string {
	if next == "" || strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r > '~' || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

func (a *app) loginForm(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	rq.view.Title = "login.title"
	rq.view.Data = accountForm{Next: safeNext(r.URL.Query().Get("next"))}
	a.pages.Render(w, http.StatusOK, "login.html", rq.view)
}

func (a *app) signupForm(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	rq.view.Title = "signup.title"
	rq.view.Data = accountForm{Next: safeNext(r.URL.Query().Get("next"))}
	a.pages.Render(w, http.StatusOK, "signup.html", rq.view)
}

// login signs in with email and password through the account service
// (one limiter with the API; the attempt is counted before the password
// is checked). Wrong email and wrong password give the same answer.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	f := accountForm{Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	user, err := a.d.Accounts.SignIn(r.Context(), clientIP(r), f.Email, r.PostFormValue("password"))
	var throttled *account.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(throttled.RetryAfterSeconds()))
		f.Error = "login.throttled"
		rq.view.Title, rq.view.Data = "login.title", f
		a.pages.Render(w, http.StatusTooManyRequests, "login.html", rq.view)
	case errors.Is(err, account.ErrBadCredentials):
		f.Error = "login.wrong"
		rq.view.Title, rq.view.Data = "login.title", f
		a.pages.Render(w, http.StatusUnauthorized, "login.html", rq.view)
	case err != nil:
		a.error(w, r, rq, err)
	default:
		a.signIn(w, r, rq, user, f.Next)
	}
}

// signIn starts a server-side session for user and puts its secret in the
// cookie with a new CSRF nonce, keeping the cart; the session the cookie
// held before (if any) ends.
func (a *app) signIn(w http.ResponseWriter, r *http.Request, rq *request, user *paydeck.User, next string) {
	secret, _, err := a.d.Accounts.StartSession(r.Context(), user, paydeck.SessionWeb)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	if err := a.d.Accounts.EndSession(r.Context(), rq.sess.Secret); err != nil {
		a.d.Logger.ErrorContext(r.Context(), "end previous session", "err", err)
	}
	sess := rq.sess
	sess.Secret, sess.Nonce = secret, a.sessions.NewNonce()
	a.sessions.Save(w, sess)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (a *app) signup(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	f := accountForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Next: safeNext(r.PostFormValue("next"))}
	again := func(status int, key string) {
		f.Error = key
		rq.view.Title, rq.view.Data = "signup.title", f
		a.pages.Render(w, status, "signup.html", rq.view)
	}
	user, err := a.d.Accounts.SignUp(r.Context(), clientIP(r),
		account.SignUpInput{Email: f.Email, Password: r.PostFormValue("password"), Name: f.Name})
	var throttled *account.ThrottledError
	var policy *account.PolicyError
	switch {
	case err == nil:
		a.signIn(w, r, rq, user, f.Next)
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(throttled.RetryAfterSeconds()))
		again(http.StatusTooManyRequests, "login.throttled")
	case errors.As(err, &policy):
		again(paydeck.HTTPStatus(paydeck.CodeInvalid), "signup.password."+string(policy.Reason))
	case errors.Is(err, account.ErrNameTooLong):
		again(paydeck.HTTPStatus(paydeck.CodeInvalid), "signup.name")
	case paydeck.ErrorCode(err) == paydeck.CodeConflict:
		again(http.StatusConflict, "signup.taken")
	case paydeck.ErrorCode(err) == paydeck.CodeInvalid:
		again(paydeck.HTTPStatus(paydeck.CodeInvalid), "signup.email")
	default:
		a.error(w, r, rq, err)
	}
}

// logout ends the server-side session (a copy of the cookie is void from
// now on; the cart goes too) and starts a fresh visitor session.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	if err := a.d.Accounts.EndSession(r.Context(), ui.FromContext(r.Context()).Secret); err != nil {
		rq := a.begin(w, r)
		a.error(w, r, rq, err)
		return
	}
	a.sessions.Save(w, ui.Session{Nonce: a.sessions.NewNonce()})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
