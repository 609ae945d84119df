package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/auth"
)

// User is an account as the API shows it (never its password hash).
type User struct {
	ID        string    `json:"id" format:"uuid" example:"7f0c2a8e-4b1d-4c8e-9a55-2f1e0d3c4b5a"`
	Email     string    `json:"email" format:"email" example:"jimin@example.com"`
	Name      string    `json:"name" example:"김지민"`
	Role      string    `json:"role" enum:"customer,admin" example:"customer"`
	CreatedAt time.Time `json:"createdAt"`
}

func userView(u *paydeck.User) User {
	return User{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), CreatedAt: u.CreatedAt}
}

// Credentials is the login body.
type Credentials struct {
	Email    string `json:"email" format:"email" maxLength:"254" example:"jimin@example.com"`
	Password string `json:"password" minLength:"1" maxLength:"1024" example:"correct horse battery"`
}

type signupInput struct {
	Body struct {
		Email    string `json:"email" format:"email" maxLength:"254" example:"jimin@example.com" doc:"Unique, compared case-insensitively."`
		Password string `json:"password" minLength:"8" maxLength:"1024" example:"correct horse battery" doc:"At least 8 characters."`
		Name     string `json:"name" minLength:"1" maxLength:"100" example:"김지민"`
	}
}

type userOutput struct{ Body User }

type loginInput struct{ Body Credentials }

// Token is a signed bearer token and when it expires.
type Token struct {
	AccessToken string    `json:"accessToken" example:"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiY3VzdG9tZXIifQ.c2lnbmF0dXJl"`
	TokenType   string    `json:"tokenType" example:"Bearer"`
	ExpiresAt   time.Time `json:"expiresAt"`
	User        User      `json:"user"`
}

type tokenOutput struct{ Body Token }

func (s *server) registerAuth() {
	register(s, public, huma.Operation{
		OperationID: "signup", Method: http.MethodPost, Path: "/api/auth/signup", Tags: []string{"Auth"},
		Summary: "Create a customer account",
		Description: "Creates a customer with the email, password (stored as an argon2id hash) and name. A taken email answers 409. " +
			"Sign-ups share the per-IP limit of logins (429 with Retry-After).",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, s.signup)
	register(s, public, huma.Operation{
		OperationID: "login", Method: http.MethodPost, Path: "/api/auth/login", Tags: []string{"Auth"},
		Summary: "Sign in and get a bearer token",
		Description: "Checks the email and password and returns a signed bearer token (JWT, HS256) with its expiry. " +
			"Attempts are rate-limited per account and per client IP (sign-ups count against the IP too); over the limit the answer is 429 with Retry-After.",
		Errors: []int{http.StatusUnauthorized, http.StatusTooManyRequests},
	}, s.login)
	register(s, signedIn, huma.Operation{
		OperationID: "me", Method: http.MethodGet, Path: "/api/me", Tags: []string{"Auth"},
		Summary: "The signed-in user", Description: "Returns the account the bearer token belongs to.",
		Errors: []int{http.StatusNotFound},
	}, s.me)
}

func (s *server) signup(ctx context.Context, in *signupInput) (*userOutput, error) {
	if err := s.allowAttempt(callerFrom(ctx).ip, ""); err != nil { // hashing is costly: bound it per IP
		return nil, err
	}
	hash, err := s.Hasher.Hash(in.Body.Password)
	if errors.Is(err, auth.ErrPasswordTooShort) || errors.Is(err, auth.ErrPasswordTooLong) {
		return nil, huma.Error422UnprocessableEntity(err.Error())
	} else if err != nil {
		return nil, s.problem(ctx, err)
	}
	u := &paydeck.User{Email: in.Body.Email, PasswordHash: hash, Name: in.Body.Name, Role: paydeck.RoleCustomer}
	if err := s.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &userOutput{Body: userView(u)}, nil
}

// errBadLogin is the one answer for an unknown email and a wrong password.
var errBadLogin = huma.Error401Unauthorized("The email or password is wrong.")

func (s *server) login(ctx context.Context, in *loginInput) (*tokenOutput, error) {
	email := paydeck.NormalizeEmail(in.Body.Email)
	if err := s.allowAttempt(callerFrom(ctx).ip, email); err != nil {
		return nil, err
	}
	var u *paydeck.User
	err := s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		u, err = tx.FindUserByEmail(ctx, email)
		return err
	})
	switch {
	case paydeck.ErrorCode(err) == paydeck.CodeNotFound:
		if fake, err := s.fakeHash(); err == nil {
			_ = auth.CheckPassword(fake, in.Body.Password) // same cost as a wrong password
		}
		return nil, errBadLogin
	case err != nil:
		return nil, s.problem(ctx, err)
	}
	if err := auth.CheckPassword(u.PasswordHash, in.Body.Password); errors.Is(err, auth.ErrMismatch) {
		return nil, errBadLogin
	} else if err != nil {
		return nil, s.problem(ctx, err)
	}
	token, exp, err := s.tokens.Issue(u.ID, string(u.Role))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &tokenOutput{Body: Token{AccessToken: token, TokenType: "Bearer", ExpiresAt: exp, User: userView(u)}}, nil
}

// allowAttempt takes a sign-up or login attempt from the client IP's
// bucket, then (for a login, email != "") from the account's; an empty
// bucket is a 429 problem with Retry-After.
func (s *server) allowAttempt(ip, email string) error {
	ok, wait := s.byIP.allow(ip)
	if ok && email != "" {
		ok, wait = s.byEmail.allow(email)
	}
	if ok {
		return nil
	}
	secs := strconv.Itoa(int(math.Ceil(wait.Seconds())))
	return huma.ErrorWithHeaders(huma.Error429TooManyRequests("Too many login attempts; retry in "+secs+" s."),
		http.Header{"Retry-After": {secs}})
}

func (s *server) me(ctx context.Context, _ *struct{}) (*userOutput, error) {
	var u *paydeck.User
	err := s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		u, err = tx.FindUserByID(ctx, actor(ctx).UserID)
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &userOutput{Body: userView(u)}, nil
}
