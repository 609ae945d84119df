package account_test

// Security tests for issue 12, findings 2 (parallel guesses beat the
// limits) and 5 (attackers lock real users out; the client IP). See
// docs/security.md.

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/auth"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// cheap keeps hashing fast in tests.
var cheap = auth.NewHasher(auth.Params{Memory: 8, Iterations: 1, Parallelism: 1}, nil)

// loopback trusts the test client's own address as a proxy, so that tests
// can speak for many client IPs through X-Forwarded-For.
func loopback(c *account.Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// send posts body of contentType from client ip (X-Forwarded-For)
// and returns the status; it never calls t, so goroutines may use it.
func send(client *http.Client, target, ip, contentType, body string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", contentType)
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, nil
}

func apiLogin(t *testing.T, site *sitetest.Site, ip, email, password string) int {
	t.Helper()
	b, err := json.Marshal(map[string]string{"email": email, "password": password})
	require.NoError(t, err)
	status, err := send(http.DefaultClient, site.URL+"/api/auth/login", ip, "application/json", string(b))
	require.NoError(t, err)
	return status
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// browser is a cookie jar with the CSRF token of the sign-in page.
type browser struct {
	client *http.Client
	csrf   string
}

func newBrowser(t *testing.T, site *sitetest.Site) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	b := &browser{client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	res, err := b.client.Get(site.URL + "/login")
	require.NoError(t, err)
	page, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	require.NotNil(t, m)
	b.csrf = string(m[1])
	return b
}

func (b *browser) login(site *sitetest.Site, ip, email, password string) (int, error) {
	form := url.Values{"email": {email}, "password": {password}, "csrf": {b.csrf}}
	return send(b.client, site.URL+"/login", ip, "application/x-www-form-urlencoded", form.Encode())
}

// TestParallelGuessesTakeTheirSlotFirst (finding 2): 50 wrong passwords
// sent at once for one account from one client, through the shop's
// sign-in form and through the API: at most the burst of the (account,
// IP) bucket reach the password check (answer 401), the rest are refused
// before hashing (429). Before the fix the shop checked the count, hashed,
// then counted, so 30 parallel guesses all got 401 with a limit of 10.
func TestParallelGuessesTakeTheirSlotFirst(t *testing.T) {
	t.Parallel()
	const guesses = 50
	burst := account.DefaultPairLimit.Burst
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		env.Clock.Freeze() // no refill during the burst
		site := sitetest.NewSite(t, env, sitetest.WithAccounts(loopback), sitetest.WithAccounts(func(c *account.Config) {
			c.IPLimit = account.Limit{Burst: 1000, Every: time.Second} // this test is about the pair bucket
		}))
		for _, path := range []string{"web", "api"} {
			t.Run(path, func(t *testing.T) {
				u := site.User(t, paydeck.RoleCustomer)
				b := newBrowser(t, site)
				var wg sync.WaitGroup
				statuses := make(chan int, guesses)
				errs := make(chan error, guesses)
				for range guesses {
					wg.Go(func() {
						var status int
						var err error
						if path == "web" {
							status, err = b.login(site, "198.51.100.7", u.Email, "wrong password")
						} else {
							body := `{"email":"` + u.Email + `","password":"wrong password"}`
							status, err = send(http.DefaultClient, site.URL+"/api/auth/login", "198.51.100.7", "application/json", body)
						}
						statuses <- status
						errs <- err
					})
				}
				wg.Wait()
				close(statuses)
				close(errs)
				for err := range errs {
					require.NoError(t, err)
				}
				counts := map[int]int{}
				for s := range statuses {
					counts[s]++
				}
				require.LessOrEqual(t, counts[http.StatusUnauthorized], burst, "password checks: %v", counts)
				require.Equal(t, guesses, counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests], "%v", counts)
			})
		}
	})
}

// TestFailuresDoNotLockTheOwnerOut (finding 5): an attacker's failures
// from one IP slow that IP down for that account, not the account's owner
// at another IP, on the API and on the shop's form alike; one limiter
// counts both, so switching from the API to the form gains nothing.
// Before the fix 5 wrong API passwords locked the account for everyone.
func TestFailuresDoNotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		env.Clock.Freeze()
		site := sitetest.NewSite(t, env, sitetest.WithAccounts(loopback))
		u := site.User(t, paydeck.RoleCustomer)
		const attacker, owner = "203.0.113.66", "198.51.100.20"
		for range 5 {
			require.Equal(t, http.StatusUnauthorized, apiLogin(t, site, attacker, u.Email, "wrong password"))
		}
		require.Equal(t, http.StatusTooManyRequests, apiLogin(t, site, attacker, u.Email, sitetest.SitePassword),
			"the attacker's IP is slowed down, right password or not")
		b := newBrowser(t, site)
		status, err := b.login(site, attacker, u.Email, "wrong password")
		require.NoError(t, err)
		require.Equal(t, http.StatusTooManyRequests, status, "the form shares the API's limiter")

		require.Equal(t, http.StatusOK, apiLogin(t, site, owner, u.Email, sitetest.SitePassword), "the owner signs in")
		status, err = newBrowser(t, site).login(site, owner, u.Email, sitetest.SitePassword)
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, status, "the owner signs in on the shop too")

		env.Clock.Advance(account.DefaultPairLimit.Every)
		require.Equal(t, http.StatusUnauthorized, apiLogin(t, site, attacker, u.Email, "wrong password"),
			"slowed down, not locked: one more guess a minute")
	})
}

// TestForwardedForIsBelievedOnlyFromTrustedProxies (finding 5): without
// PAYDECK_TRUSTED_PROXIES a client cannot dodge its limit by inventing
// X-Forwarded-For addresses.
func TestForwardedForIsBelievedOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	env.Clock.Freeze()
	site := sitetest.NewSite(t, env) // no trusted proxies
	u := site.User(t, paydeck.RoleCustomer)
	for i := range 5 {
		require.Equal(t, http.StatusUnauthorized, apiLogin(t, site, "203.0.113."+string(rune('1'+i)), u.Email, "wrong password"))
	}
	require.Equal(t, http.StatusTooManyRequests, apiLogin(t, site, "203.0.113.99", u.Email, "wrong password"))
}

func TestClientIP(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	proxies, err := account.ParseProxies("10.0.0.0/8, 192.0.2.1 ::1")
	require.NoError(t, err)
	svc, err := account.New(account.Config{Store: env.DB, TrustedProxies: proxies})
	require.NoError(t, err)
	for _, tc := range []struct {
		remote string
		xff    []string
		want   string
	}{
		{"203.0.113.5:4000", nil, "203.0.113.5"},
		{"203.0.113.5:4000", []string{"1.2.3.4"}, "203.0.113.5"},                       // not a proxy: header ignored
		{"10.1.2.3:4000", []string{"198.51.100.9"}, "198.51.100.9"},                    // one trusted hop
		{"10.1.2.3:4000", []string{"6.6.6.6, 198.51.100.9, 10.9.9.9"}, "198.51.100.9"}, // spoofed left part ignored
		{"10.1.2.3:4000", []string{"6.6.6.6", "198.51.100.9"}, "198.51.100.9"},         // several header lines
		{"10.1.2.3:4000", []string{"garbage, 10.5.5.5"}, "10.5.5.5"},                   // walk stops at junk
		{"10.1.2.3:4000", nil, "10.1.2.3"},
		{"[::1]:4000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"[::ffff:192.0.2.1]:80", []string{"198.51.100.1"}, "198.51.100.1"}, // v4-mapped proxy
		{"not-an-address", []string{"1.2.3.4"}, "not-an-address"},
	} {
		require.Equal(t, tc.want, svc.ClientIPFrom(tc.remote, tc.xff), "%s %v", tc.remote, tc.xff)
	}
	_, err = account.ParseProxies("10.0.0.0/8,example.com")
	require.ErrorContains(t, err, `"example.com"`)
}

// TestLimiterProperty (findings 2 and 5), a property test on the service
// itself: whatever mix of parallel bursts and pauses an attacker sends for
// one account from one IP, the number of attempts that reach the password
// check never exceeds Burst plus one per Every elapsed; and the owner,
// signing in from another IP in between, is never refused.
func TestLimiterProperty(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	ctx := context.Background()
	hash, err := cheap.Hash("the owner's password")
	require.NoError(t, err)
	owner := &paydeck.User{Email: "owner@example.com", PasswordHash: hash, Name: "owner", Role: paydeck.RoleCustomer}
	require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateUser(ctx, owner) }))

	rapid.Check(t, func(rt *rapid.T) {
		var mu sync.Mutex
		now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		limit := account.Limit{Burst: rapid.IntRange(1, 6).Draw(rt, "burst"),
			Every: time.Duration(rapid.IntRange(1, 60).Draw(rt, "every")) * time.Second}
		svc, err := account.New(account.Config{Store: env.DB, Hasher: cheap, Now: clock, PairLimit: limit,
			IPLimit: account.Limit{Burst: 10_000, Every: time.Millisecond}})
		require.NoError(rt, err)

		var checked int
		var elapsed time.Duration
		for range rapid.IntRange(1, 4).Draw(rt, "rounds") {
			n := rapid.IntRange(1, 8).Draw(rt, "parallel")
			results := make(chan error, n)
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					_, err := svc.SignIn(ctx, "203.0.113.66", owner.Email, "a wrong guess")
					results <- err
				})
			}
			wg.Wait()
			close(results)
			for err := range results {
				var throttled *account.ThrottledError
				switch {
				case errors.As(err, &throttled):
				case errors.Is(err, account.ErrBadCredentials):
					checked++
				default:
					rt.Fatalf("unexpected error %v", err)
				}
			}
			allowed := limit.Burst + int(elapsed/limit.Every)
			if checked > allowed {
				rt.Fatalf("%d attempts reached the password check, at most %d allowed after %s", checked, allowed, elapsed)
			}
			if _, err := svc.SignIn(ctx, "198.51.100.20", owner.Email, "the owner's password"); err != nil {
				rt.Fatalf("owner refused: %v", err)
			}
			d := time.Duration(rapid.IntRange(0, 90).Draw(rt, "pause")) * time.Second
			mu.Lock()
			now = now.Add(d)
			mu.Unlock()
			elapsed += d
		}
	})
}
