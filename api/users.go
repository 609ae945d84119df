package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
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
		Password string `json:"password" minLength:"10" maxLength:"1024" example:"correct horse battery" doc:"At least 10 characters; not the email; not a common password."`
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
		Description: "Creates a customer with the email, password (stored as an argon2id hash) and name. " +
			"The password needs at least 10 characters, may not be the email, and may not be a common password (422). " +
			"A taken email answers 409. Sign-ups share the per-IP limit of logins (429 with Retry-After).",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, s.signup)
	register(s, public, huma.Operation{
		OperationID: "login", Method: http.MethodPost, Path: "/api/auth/login", Tags: []string{"Auth"},
		Summary: "Sign in and get a bearer token",
		Description: "Checks the email and password and returns a signed bearer token (JWT, HS256) with its expiry. " +
			"The token stands for a server-side session: logout, a password or role change and deletion end it. " +
			"Attempts are rate-limited per (account, client IP) and per client IP (sign-ups count against the IP too); " +
			"over the limit the answer is 429 with Retry-After, and no password is checked.",
		Errors: []int{http.StatusUnauthorized, http.StatusTooManyRequests},
	}, s.login)
	register(s, signedIn, huma.Operation{
		OperationID: "logout", Method: http.MethodPost, Path: "/api/auth/logout", Tags: []string{"Auth"},
		Summary: "End the bearer token's session", Description: "The token stops working at once.",
		DefaultStatus: http.StatusNoContent,
	}, s.logout)
	register(s, signedIn, huma.Operation{
		OperationID: "me", Method: http.MethodGet, Path: "/api/me", Tags: []string{"Auth"},
		Summary: "The signed-in user", Description: "Returns the account the bearer token belongs to.",
		Errors: []int{http.StatusNotFound},
	}, s.me)
	register(s, signedIn, huma.Operation{
		OperationID: "change-password", Method: http.MethodPut, Path: "/api/me/password", Tags: []string{"Auth"},
		Summary: "Change the password",
		Description: "Checks the current password and sets the new one (same rules as sign-up). " +
			"Every session of the account ends, this token's too: sign in again.",
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{http.StatusUnauthorized, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, s.changePassword)
}

func (s *server) signup(ctx context.Context, in *signupInput) (*userOutput, error) {
	u, err := s.Accounts.SignUp(ctx, callerFrom(ctx).ip,
		account.SignUpInput{Email: in.Body.Email, Password: in.Body.Password, Name: in.Body.Name})
	if err != nil {
		return nil, s.accountProblem(ctx, err)
	}
	return &userOutput{Body: userView(u)}, nil
}

// errBadLogin is the one answer for an unknown email and a wrong password.
var errBadLogin = huma.Error401Unauthorized("The email or password is wrong.")

func (s *server) login(ctx context.Context, in *loginInput) (*tokenOutput, error) {
	u, err := s.Accounts.SignIn(ctx, callerFrom(ctx).ip, in.Body.Email, in.Body.Password)
	if err != nil {
		return nil, s.accountProblem(ctx, err)
	}
	token, exp, err := s.Accounts.IssueToken(ctx, u)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &tokenOutput{Body: Token{AccessToken: token, TokenType: "Bearer", ExpiresAt: exp, User: userView(u)}}, nil
}

// accountProblem is the problem for an error of the account service: 429
// with Retry-After, 401 for bad credentials, 422 for the password policy,
// else what problem makes of it.
func (s *server) accountProblem(ctx context.Context, err error) error {
	var throttled *account.ThrottledError
	var policy *account.PolicyError
	switch {
	case errors.As(err, &throttled):
		secs := strconv.Itoa(throttled.RetryAfterSeconds())
		return huma.ErrorWithHeaders(huma.Error429TooManyRequests("Too many attempts; retry in "+secs+" s."),
			http.Header{"Retry-After": {secs}})
	case errors.Is(err, account.ErrBadCredentials):
		return errBadLogin
	case errors.As(err, &policy):
		return huma.Error422UnprocessableEntity(policy.Error())
	}
	return s.problem(ctx, err)
}

func (s *server) logout(ctx context.Context, _ *struct{}) (*struct{}, error) {
	if err := s.endCredential(ctx, callerFrom(ctx).credential); err != nil {
		return nil, s.problem(ctx, err)
	}
	return nil, nil
}

type changePasswordInput struct {
	Body struct {
		CurrentPassword string `json:"currentPassword" minLength:"1" maxLength:"1024" example:"correct horse battery"`
		NewPassword     string `json:"newPassword" minLength:"10" maxLength:"1024" example:"staple battery horse correct" doc:"At least 10 characters; not the email; not a common password."`
	}
}

func (s *server) changePassword(ctx context.Context, in *changePasswordInput) (*struct{}, error) {
	c := callerFrom(ctx)
	if _, err := s.Accounts.SignIn(ctx, c.ip, c.user.Email, in.Body.CurrentPassword); err != nil {
		return nil, s.accountProblem(ctx, err)
	}
	if err := s.Accounts.ChangePassword(ctx, c.user.ID, in.Body.NewPassword); err != nil {
		return nil, s.accountProblem(ctx, err)
	}
	return nil, nil
}

func (s *server) me(ctx context.Context, _ *struct{}) (*userOutput, error) {
	return &userOutput{Body: userView(callerFrom(ctx).user)}, nil
}
