package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/auth"
	"github.com/paydeck/paydeck/web/page"
)

// accountForm is the sign-in and sign-up form with its error.
type accountForm struct {
	Email, Name, Next string
	// Error is a message key.
	Error string
}

// safeNext returns next when it is a local path, else "/".
func safeNext(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return "/"
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

// login signs in with email and password. Wrong email and wrong password
// give the same answer.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	f := accountForm{Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	email, ip := paydeck.NormalizeEmail(f.Email), clientIP(r)
	if a.byEmail.blocked(email) || a.byIP.blocked(ip) {
		f.Error = "login.throttled"
		rq.view.Title, rq.view.Data = "login.title", f
		a.pages.Render(w, http.StatusTooManyRequests, "login.html", rq.view)
		return
	}
	var user *paydeck.User
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		u, err := tx.FindUserByEmail(r.Context(), f.Email)
		user = u
		return err
	})
	if err == nil {
		err = auth.CheckPassword(user.PasswordHash, r.PostFormValue("password"))
	} else if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		_ = auth.CheckPassword(a.fakeHash, r.PostFormValue("password")) // same cost as a wrong password
	}
	if err != nil {
		if code := paydeck.ErrorCode(err); code != paydeck.CodeNotFound && !errors.Is(err, auth.ErrMismatch) &&
			!errors.Is(err, auth.ErrPasswordTooLong) && !errors.Is(err, auth.ErrPasswordTooShort) {
			a.error(w, r, rq, err)
			return
		}
		a.byEmail.count(email)
		a.byIP.count(ip)
		f.Error = "login.wrong"
		rq.view.Title, rq.view.Data = "login.title", f
		a.pages.Render(w, http.StatusUnauthorized, "login.html", rq.view)
		return
	}
	a.signIn(w, r, rq, user, f.Next)
}

// signIn starts a session for user, with a new CSRF nonce, keeping the cart.
func (a *app) signIn(w http.ResponseWriter, r *http.Request, rq *request, user *paydeck.User, next string) {
	sess := rq.sess
	sess.UserID, sess.Nonce = user.ID, a.sessions.NewNonce()
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
	ip := clientIP(r)
	if a.byIP.blocked(ip) {
		again(http.StatusTooManyRequests, "login.throttled")
		return
	}
	a.byIP.count(ip)
	hash, err := a.d.Hasher.Hash(r.PostFormValue("password"))
	switch {
	case errors.Is(err, auth.ErrPasswordTooShort), errors.Is(err, auth.ErrPasswordTooLong):
		again(http.StatusBadRequest, "signup.password")
		return
	case err != nil:
		a.error(w, r, rq, err)
		return
	}
	user := &paydeck.User{Email: f.Email, Name: f.Name, PasswordHash: hash, Role: paydeck.RoleCustomer}
	err = a.d.Store.Update(r.Context(), func(tx paydeck.Tx) error { return tx.CreateUser(r.Context(), user) })
	switch paydeck.ErrorCode(err) {
	case "":
		a.signIn(w, r, rq, user, f.Next)
	case paydeck.CodeConflict:
		again(http.StatusConflict, "signup.taken")
	case paydeck.CodeInvalid:
		again(http.StatusBadRequest, "signup.email")
	default:
		a.error(w, r, rq, err)
	}
}

// logout ends the session (the cart goes too) and starts a fresh one.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	a.sessions.Save(w, page.Session{Nonce: a.sessions.NewNonce()})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
