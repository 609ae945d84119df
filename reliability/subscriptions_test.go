package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// Renewals under faults. paydeck and the sandbox run as separate processes
// that share one shifted clock (PAYDECK_CLOCK_OFFSET_FILE), so months pass
// in seconds. The truth is the sandbox's transaction list: every paid
// renewal in paydeck is one approval at Toss and every approval at Toss is a
// paid renewal; no period is charged twice; every past_due subscription is
// either recovered or canceled on its dunning schedule.
//
// The default run is small (CI); PAYDECK_SUBSCRIPTION_LONG=1 runs the
// "done when" figures: 1,000 subscriptions for 12 months with declines,
// lost answers, hangs, 5xx and kills.

// renewalRun sizes one run.
type renewalRun struct {
	subs, months, kills int
	stepDays            int
}

func renewalSize() renewalRun {
	if os.Getenv("PAYDECK_SUBSCRIPTION_LONG") == "1" {
		return renewalRun{subs: 1000, months: 12, kills: 12, stepDays: 2}
	}
	return renewalRun{subs: 12, months: 2, kills: 2, stepDays: 4}
}

// rig is the processes of one run and what the test knows of them.
type rig struct {
	t          *testing.T
	sb         string
	clockFile  string
	offset     time.Duration
	servers    []server
	procs      []*proc
	admin      string
	tossClient *toss.Client

	mu           sync.Mutex
	customerKeys map[string]string // subscription ID → customerKey

	adminEmail, adminPassword string
	logins                    int
}

// relogin signs the admin in again (the shifted clock expires tokens),
// each time from another loopback address (logins are limited per IP).
func (r *rig) relogin() {
	r.logins++
	var out struct {
		Token string `json:"accessToken"`
	}
	require.Equal(r.t, http.StatusOK, callFrom(r.t, fromIP(1000+r.logins), http.MethodPost, r.servers[0].URL()+"/api/auth/login", "", "",
		map[string]string{"email": r.adminEmail, "password": r.adminPassword}, &out))
	require.NotEmpty(r.t, out.Token)
	r.admin = out.Token
}

// newRig starts the sandbox and n paydeck servers on db ("" SQLite: n must
// be 1), all on one shifted clock, with the billing (API individual) key
// pair.
func newRig(t *testing.T, db string, n int) *rig {
	t.Helper()
	r := &rig{t: t, clockFile: filepath.Join(t.TempDir(), "clock-offset"), customerKeys: map[string]string{}}
	require.NoError(t, os.WriteFile(r.clockFile, []byte("0s"), 0o600))
	clock := "PAYDECK_CLOCK_OFFSET_FILE=" + r.clockFile
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = freeAddr(t)
	}
	sbAddr := freeAddr(t)
	sbProc := start(t, []string{clock}, "sandbox", "--addr", sbAddr, "--webhook-url", "http://"+addrs[0]+"/api/payments/webhook")
	r.sb = "http://" + sbAddr
	waitReady(t, sbProc, r.sb+"/v1/sandbox/clock", true)
	r.tossClient = toss.NewClient(sandbox.DocsSecretKey, toss.WithBaseURL(r.sb))
	for i, addr := range addrs {
		s := newServer(t, t.TempDir(), db, r.sb, "PAYDECK_ADDR="+addr, clock,
			"TOSS_CLIENT_KEY="+sandbox.DocsClientKey, "TOSS_SECRET_KEY="+sandbox.DocsSecretKey,
			"TOSS_TIMEOUT=2s", "PAYDECK_CONFIRM_CHECK_DELAY=4s", "PAYDECK_SWEEP_INTERVAL=1s")
		s.Addr = addr
		r.servers = append(r.servers, s)
		if i == 0 {
			r.adminEmail, r.adminPassword = s.createAdmin(t)
			defer r.relogin()
		}
	}
	var wg sync.WaitGroup
	r.procs = make([]*proc, n)
	for i, s := range r.servers {
		r.procs[i] = start(t, s.Env, "serve")
		wg.Go(func() { waitReady(t, r.procs[i], s.URL()+"/readyz", false) })
	}
	wg.Wait()
	return r
}

// advance moves the shared clock forward by d.
func (r *rig) advance(d time.Duration) {
	r.offset += d
	require.NoError(r.t, os.WriteFile(r.clockFile, []byte(r.offset.String()), 0o600))
	time.Sleep(20 * time.Millisecond) // past the processes' re-read interval
}

func (r *rig) now() time.Time { return time.Now().Add(r.offset) }

// call sends a JSON request to url with a bearer token or the sandbox's
// Basic auth (basic = secret key) and decodes a 2xx answer into out.
func call(t *testing.T, method, url, token, basic string, in, out any) int {
	t.Helper()
	return callFrom(t, http.DefaultClient, method, url, token, basic, in, out)
}

// fromIP returns a client whose connections come from 127.0.0.(2+n%250):
// the API limits logins per client IP, and a thousand shoppers come from
// many addresses.
func fromIP(n int) *http.Client {
	ip := net.IPv4(127, 0, 0, byte(2+n%250))
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// callFrom is call with the given client.
func callFrom(t *testing.T, client *http.Client, method, url, token, basic string, in, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(t, err)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if basic != "" {
		req.SetBasicAuth(basic, "")
	}
	res, err := client.Do(req)
	if err != nil {
		return 0 // the server is being killed
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		require.NoError(t, json.Unmarshal(b, out), "%s %s: %s", method, url, b)
	}
	return res.StatusCode
}

// apiURL picks a server.
func (r *rig) apiURL(i int) string { return r.servers[i%len(r.servers)].URL() }

// sub is what the test reads of a subscription.
type sub struct {
	ID                string     `json:"id"`
	Status            string     `json:"status"`
	CurrentPeriod     int        `json:"currentPeriod"`
	CurrentPeriodEnd  time.Time  `json:"currentPeriodEnd"`
	CancelAtPeriodEnd bool       `json:"cancelAtPeriodEnd"`
	RetryCount        int        `json:"retryCount"`
	NextRetryAt       *time.Time `json:"nextRetryAt"`
	EndedAt           *time.Time `json:"endedAt"`
	Charges           []struct {
		Period      int       `json:"period"`
		Status      string    `json:"status"`
		Attempts    int       `json:"attempts"`
		OrderID     string    `json:"orderId"`
		PeriodStart time.Time `json:"periodStart"`
	} `json:"charges"`
}

// subscribeMany signs up n customers to a new monthly plan; customers
// picked by declines get that many of their next charges declined.
func (r *rig) subscribeMany(n int, rnd *rand.Rand) {
	t := r.t
	var plan struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusCreated, call(t, http.MethodPost, r.apiURL(0)+"/api/plans", r.admin, "",
		map[string]any{"name": "월간 구독", "amount": 9_900, "interval": "month"}, &plan))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		suffix := rnd.Uint32() // drawn here: rnd is not safe for concurrent use
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			base, client := r.apiURL(i), fromIP(i)
			email := fmt.Sprintf("sub%d-%d@reliability.kr", i, suffix)
			require.Equal(t, http.StatusCreated, callFrom(t, client, http.MethodPost, base+"/api/auth/signup", "", "",
				map[string]string{"email": email, "password": "subscriber-password-1", "name": "구독자"}, nil))
			var signup struct {
				Token string `json:"accessToken"`
			}
			require.Equal(t, http.StatusOK, callFrom(t, client, http.MethodPost, base+"/api/auth/login", "", "",
				map[string]string{"email": email, "password": "subscriber-password-1"}, &signup))
			var setup struct {
				CustomerKey string `json:"customerKey"`
			}
			require.Equal(t, http.StatusOK, call(t, http.MethodGet, base+"/api/subscriptions/setup", signup.Token, "", nil, &setup))
			var auth struct {
				AuthKey string `json:"authKey"`
			}
			require.Equal(t, http.StatusOK, call(t, http.MethodPost, r.sb+"/v1/sandbox/billing/auth-keys", "", sandbox.DocsSecretKey,
				map[string]string{"customerKey": setup.CustomerKey}, &auth))
			var created struct {
				ID string `json:"id"`
			}
			require.Equal(t, http.StatusCreated, call(t, http.MethodPost, base+"/api/subscriptions", signup.Token, "",
				map[string]string{"planId": plan.ID, "authKey": auth.AuthKey, "customerKey": setup.CustomerKey}, &created))
			r.mu.Lock()
			r.customerKeys[created.ID] = setup.CustomerKey
			r.mu.Unlock()
		})
	}
	wg.Wait()
}

// setFaults installs the fault mix on billing charges.
func (r *rig) setFaults(mix bool) {
	faults := `[]`
	if mix {
		faults = `[{"operation":"billing-charge","probability":0.08,"approveThenDrop":true},
			{"operation":"billing-charge","probability":0.04,"errorCode":"FAILED_INTERNAL_SYSTEM_PROCESSING"},
			{"operation":"billing-charge","probability":0.02,"hang":true},
			{"operation":"get","probability":0.05,"errorCode":"FAILED_INTERNAL_SYSTEM_PROCESSING"}]`
	}
	require.Equal(r.t, http.StatusOK, call(r.t, http.MethodPut, r.sb+"/v1/sandbox/faults", "", sandbox.DocsSecretKey,
		json.RawMessage(`{"faults":`+faults+`}`), nil))
}

// all reads every subscription (admin, with charges) from server i.
func (r *rig) all(i int) ([]sub, bool) {
	var out []sub
	for offset := 0; ; offset += 100 {
		var page struct {
			Items []sub `json:"items"`
			Total int   `json:"total"`
		}
		switch call(r.t, http.MethodGet, r.apiURL(i)+"/api/subscriptions?limit=100&offset="+strconv.Itoa(offset), r.admin, "", nil, &page) {
		case http.StatusOK:
		case http.StatusUnauthorized:
			r.relogin()
			return nil, false
		default:
			return nil, false
		}
		out = append(out, page.Items...)
		if offset+100 >= page.Total {
			return out, true
		}
	}
}

// settled reports whether nothing is due at the shared now: no renewal or
// retry due, no charge pending.
func settled(subs []sub, now time.Time) bool {
	for _, s := range subs {
		for _, c := range s.Charges {
			if c.Status == "pending" {
				return false
			}
		}
		switch s.Status {
		case "trialing", "active":
			if !s.CurrentPeriodEnd.After(now) {
				return false
			}
		case "past_due":
			if s.NextRetryAt != nil && !s.NextRetryAt.After(now) {
				return false
			}
		}
	}
	return true
}

// waitSettled waits until the servers have worked off everything due.
func (r *rig) waitSettled(i int) []sub {
	begin := time.Now()
	for time.Since(begin) < 3*time.Minute {
		if subs, ok := r.all(i); ok && settled(subs, r.now().Add(-time.Second)) {
			return subs
		}
		time.Sleep(200 * time.Millisecond)
	}
	subs, _ := r.all(i)
	r.t.Fatalf("renewals not settled after 3 minutes: %+v", subs[:min(len(subs), 3)])
	return nil
}

// check compares paydeck with the sandbox's transaction list and the
// dunning schedule; it returns the figures.
func (r *rig) check(subs []sub) (paid, approvals, recovered, canceled int) {
	t := r.t
	byOrder := map[string]int{}
	for tx, err := range r.tossClient.Transactions.List(context.Background(), &toss.TransactionListParams{
		StartDate: time.Now().Add(-48 * time.Hour), EndDate: r.now().Add(48 * time.Hour), Limit: 5000}) {
		require.NoError(t, err)
		if tx.Status == toss.StatusDone {
			byOrder[tx.OrderID]++
			approvals++
		}
	}
	schedule := []time.Duration{24 * time.Hour, 72 * time.Hour, 120 * time.Hour}
	for _, s := range subs {
		periods := map[int]bool{}
		for _, c := range s.Charges {
			require.False(t, periods[c.Period], "two charges of one period")
			periods[c.Period] = true
			switch c.Status {
			case "paid":
				paid++
				require.Equal(t, 1, byOrder[c.OrderID], "subscription %s period %d charged once at Toss", s.ID, c.Period)
				if c.Attempts > 1 {
					recovered++
				}
			case "abandoned":
				require.Equal(t, 0, byOrder[c.OrderID])
			}
		}
		switch s.Status {
		case "canceled":
			canceled++
			last := s.Charges[len(s.Charges)-1]
			require.Equal(t, "abandoned", last.Status)
			require.Equal(t, len(schedule)+1, last.Attempts, "canceled after the last retry")
			// On schedule: the last retry is due at the period start +5
			// days; the test's clock steps bound how late it ran.
			require.False(t, s.EndedAt.Before(last.PeriodStart.Add(schedule[len(schedule)-1])), "not canceled early")
		case "past_due":
			require.NotNil(t, s.NextRetryAt)
			last := s.Charges[len(s.Charges)-1]
			require.Equal(t, last.PeriodStart.Add(schedule[s.RetryCount-1]), *s.NextRetryAt, "retry on schedule")
		}
	}
	require.Equal(t, paid, approvals, "Toss's approvals are paydeck's paid renewals one for one")
	return paid, approvals, recovered, canceled
}

// checkEvents reads the subscription.* events from the event feed and
// checks that every change gave exactly one: one subscription.created per
// subscription, one subscription.renewed per paid period, one
// subscription.past_due per period whose first attempt was declined, one
// subscription.canceled per subscription dunning gave up on. It returns
// the number of events.
func (r *rig) checkEvents(subs []sub) int {
	t := r.t
	time.Sleep(3 * time.Second) // the feed holds events back 2 s
	type key struct{ id, typ string }
	count := map[key]int{}
	ids := map[string]bool{}
	types := "subscription.created,subscription.renewed,subscription.past_due,subscription.canceled," +
		"subscription.expired,subscription.card_updated"
	n := 0
	for after := int64(0); ; {
		var page struct {
			Items []struct {
				ID      string `json:"id"`
				Seq     int64  `json:"seq"`
				Type    string `json:"type"`
				Payload string `json:"payload"`
			} `json:"items"`
		}
		url := r.apiURL(0) + "/api/admin/events?limit=100&types=" + types + "&after=" + strconv.FormatInt(after, 10)
		if call(t, http.MethodGet, url, r.admin, "", nil, &page) == http.StatusUnauthorized {
			r.relogin()
			continue
		}
		if len(page.Items) == 0 {
			break
		}
		for _, e := range page.Items {
			var body struct {
				ID   string `json:"id"`
				Data struct {
					ID string `json:"id"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(e.Payload), &body))
			require.Equal(t, e.ID, body.ID)
			require.False(t, ids[e.ID], "event %s listed twice", e.ID)
			ids[e.ID] = true
			count[key{body.Data.ID, e.Type}]++
			after = e.Seq
			n++
		}
	}
	total := 0
	for _, s := range subs {
		paid, declined := 0, 0
		for _, c := range s.Charges {
			if c.Status == "paid" {
				paid++
			}
			if c.Attempts > 1 || c.Status == "failed" || c.Status == "abandoned" {
				declined++
			}
		}
		ended := 0
		if s.Status == "canceled" {
			ended = 1
		}
		want := map[string]int{"subscription.created": 1, "subscription.renewed": paid,
			"subscription.past_due": declined, "subscription.canceled": ended}
		for typ, w := range want {
			require.Equal(t, w, count[key{s.ID, typ}], "subscription %s: %s events", s.ID, typ)
			total += w
		}
	}
	require.Equal(t, total, n, "no other subscription.* events")
	return n
}

// runRenewals drives size.months of renewals on r: declines for a share of
// cards each month, the fault mix, and kills of server 0 (restarted at
// once) at random steps.
func runRenewals(t *testing.T, r *rig, size renewalRun, seed uint64) {
	rnd := rand.New(rand.NewPCG(seed, 2))
	r.subscribeMany(size.subs, rnd)
	subs := r.waitSettled(0)
	require.Len(t, subs, size.subs)
	steps := size.months * 31 / size.stepDays
	killAt := map[int]bool{}
	for len(killAt) < min(size.kills, steps) {
		killAt[rnd.IntN(steps)] = true
	}
	begin := time.Now()
	for step := range steps {
		if step%(31/size.stepDays) == 0 {
			r.setFaults(false)
			for _, s := range subs {
				if s.Status == "active" && rnd.Float64() < 0.15 {
					r.declineByCustomer(s.ID, 1+rnd.IntN(4))
				}
			}
			r.setFaults(true)
		}
		r.advance(time.Duration(size.stepDays) * 24 * time.Hour)
		if killAt[step] {
			time.Sleep(time.Duration(rnd.IntN(400)) * time.Millisecond) // renewals in flight
			r.procs[0].kill()
			r.procs[0], _ = r.servers[0].run(t)
		}
		subs = r.waitSettled(step % len(r.servers))
	}
	r.setFaults(false)
	subs = r.waitSettled(0)
	paid, approvals, recovered, canceled := r.check(subs)
	events := r.checkEvents(subs)
	t.Logf("%d subscription.* events, one per change", events)
	t.Logf("%d subscriptions, %d months in %s: %d paid renewals = %d Toss approvals, %d recovered after a decline, %d canceled by dunning, %d kills",
		len(subs), size.months, time.Since(begin).Round(time.Second), paid, approvals, recovered, canceled, len(killAt))
}

// declineByCustomer declines the next n charges of the subscription's
// card. The test has no billing key (paydeck never shows one): the
// sandbox's rule is by the customerKey the test subscribed with.
func (r *rig) declineByCustomer(subID string, n int) {
	r.mu.Lock()
	ck := r.customerKeys[subID]
	r.mu.Unlock()
	if ck == "" {
		return
	}
	call(r.t, http.MethodPut, r.sb+"/v1/sandbox/billing/declines", "", sandbox.DocsSecretKey,
		map[string]any{"customerKey": ck, "count": n}, nil)
}

func TestSubscriptionRenewalsUnderKills(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, databaseFor(t, engine), 1)
			runRenewals(t, r, renewalSize(), uint64(time.Now().UnixNano()))
		})
	}
}

func TestSubscriptionRenewalsOnThreeInstances(t *testing.T) {
	t.Parallel()
	r := newRig(t, freshDatabase(t), 3)
	size := renewalSize()
	size.kills = 0
	runRenewals(t, r, size, 7)
}
