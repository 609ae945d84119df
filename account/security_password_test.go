package account_test

// Security tests for issue 12, finding 14: one password rule for the API
// and the shop. See docs/security.md.

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		email, password string
		want            account.PolicyReason // "" accepts
	}{
		{"kim@example.com", "short pw1", account.PasswordTooShort},
		{"kim@example.com", "한글비밀번호아홉자", account.PasswordTooShort}, // 9 characters, 27 bytes
		{"kim@example.com", "한글비밀번호열글자요", ""},
		{"kim@example.com", strings.Repeat("x", 1025), account.PasswordTooLong},
		{"kimchi.lover@example.com", "Kimchi.Lover@Example.com", account.PasswordIsEmail},
		{"kimchi.lover@example.com", " kimchi.lover ", account.PasswordIsEmail},
		{"kim@example.com", "password123", account.PasswordCommon},
		{"kim@example.com", "PassWord123", account.PasswordCommon},
		{"kim@example.com", "qwertyuiop", account.PasswordCommon},
		{"kim@example.com", "1q2w3e4r5t", account.PasswordCommon},
		{"kim@example.com", "correct horse battery", ""},
		{"kim@example.com", "kim@example.com!", ""},
	} {
		err := account.CheckPasswordPolicy(tc.email, tc.password)
		if tc.want == "" {
			require.NoError(t, err, tc.password)
			continue
		}
		var policy *account.PolicyError
		require.True(t, errors.As(err, &policy), "%q: %v", tc.password, err)
		require.Equal(t, tc.want, policy.Reason, tc.password)
		require.NotContains(t, err.Error(), tc.password, "the message never repeats the password")
	}
}

// TestSignUpAppliesOnePasswordRule: the API and the shop refuse the same
// weak passwords (422 problem / readable 400 page naming the rule) and
// accept the same good one. Before the fix both took "password123".
func TestSignUpAppliesOnePasswordRule(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		a := &apitest.API{Env: env, URL: site.URL}
		for i, tc := range []struct {
			password, api, web string
		}{
			{"password123", "too common", "너무 흔한 비밀번호"},
			{"123456789", "expected length >= 10", "10자 이상"}, // the schema states the length rule
			{"{email}", "not be your email", "이메일 주소를 쓸 수 없습니다"},
		} {
			email := "weak" + string(rune('a'+i)) + "-" + env.Engine + "@example.com"
			password := strings.ReplaceAll(tc.password, "{email}", email)
			res := a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/signup",
				Body: map[string]string{"email": email, "password": password, "name": "약한"}})
			res.RequireProblem(t, http.StatusUnprocessableEntity)
			require.Contains(t, string(res.Body), tc.api)
			v := site.Visitor(t)
			v.Get(t, "/signup")
			p := v.Post(t, "/signup", url.Values{"email": {email}, "password": {password}, "name": {"약한"}})
			require.Equal(t, http.StatusUnprocessableEntity, p.Status)
			require.Contains(t, p.Body, tc.web)
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/signup",
			Body: map[string]string{"email": "good-" + env.Engine + "@example.com", "password": "staple battery horse", "name": "좋은"}},
			http.StatusCreated, nil)
		v := site.Visitor(t)
		v.Get(t, "/signup")
		p := v.Post(t, "/signup", url.Values{"email": {"good2-" + env.Engine + "@example.com"},
			"password": {"staple battery horse"}, "name": {"좋은"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	})
}

// TestSignUpFieldLimits: the API and the shop refuse the same overlong
// email and name (the shop used to take a 5,000-character email).
func TestSignUpFieldLimits(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	site := sitetest.NewSite(t, env)
	a := &apitest.API{Env: env, URL: site.URL}
	long := strings.Repeat("a", 250) + "@x.kr"
	for _, f := range []map[string]string{
		{"email": long, "name": "이름"},
		{"email": "name@x.kr", "name": strings.Repeat("가", 101)},
	} {
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/auth/signup",
			Body: map[string]string{"email": f["email"], "password": "staple battery horse", "name": f["name"]}}).
			RequireProblem(t, http.StatusUnprocessableEntity)
		v := site.Visitor(t)
		v.Get(t, "/signup")
		p := v.Post(t, "/signup", url.Values{"email": {f["email"]}, "password": {"staple battery horse"}, "name": {f["name"]}})
		require.Equal(t, http.StatusUnprocessableEntity, p.Status, p.Body)
	}
	svc, err := account.New(account.Config{Store: env.DB, Hasher: cheap})
	require.NoError(t, err)
	_, err = svc.SignUp(t.Context(), "192.0.2.1", account.SignUpInput{Email: long, Password: "staple battery horse"})
	require.ErrorIs(t, err, account.ErrEmailTooLong)
	_, err = svc.SignUp(t.Context(), "192.0.2.1", account.SignUpInput{Email: "n@x.kr", Password: "staple battery horse",
		Name: strings.Repeat("가", 101)})
	require.ErrorIs(t, err, account.ErrNameTooLong)
	u, err := svc.SignUp(t.Context(), "192.0.2.1", account.SignUpInput{Email: "n@x.kr", Password: "staple battery horse",
		Name: strings.Repeat("가", 100)})
	require.NoError(t, err)
	require.Equal(t, "n@x.kr", u.Email)
}
