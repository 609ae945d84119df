package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Result is what one run measured.
type Result struct {
	// Checkouts counts confirms answered done; Refunds refunds answered
	// completed; Attempts every order created.
	Checkouts, Refunds, Attempts int
	// Elapsed is the duration of the load phase.
	Elapsed time.Duration
	// Steps are the per-step latencies.
	Steps []StepStats
	// Errors counts failures by "step status [code]".
	Errors map[string]int
	// Probe is the commit probe's result (nil without CommitProbe).
	Probe *ProbeResult
	// Commits is the number of database transactions committed during the
	// load phase, read-only ones included; WriteTx the transactions that
	// wrote (cluster-wide: other databases' writers count too). PostgreSQL
	// with CommitProbe only; 0 when unknown.
	Commits, WriteTx int64
	// StoreWrites is the number of write transactions paydeck's store
	// committed during the load, from the targets' /metrics (both engines;
	// River's own transactions are not among them); -1 when unknown.
	StoreWrites int64
	// Statements and RoundTrips are the SQL statements paydeck's store
	// sent during the load and the round trips they took, from the same
	// /metrics (see store.Options.CountStatements); -1 when unknown.
	Statements, RoundTrips int64
	// WriterBusy is how long the store's one writer (SQLite) was held
	// during the load and until the store settled, and EngineCommits the
	// commits the engine made for it (a commit group is one); both 0 when
	// the store does not publish them (PostgreSQL).
	WriterBusy    time.Duration
	EngineCommits int64
	// WebhooksRefused is the Toss webhook deliveries paydeck answered 429
	// (its PAYDECK_WEBHOOK_RATE limiter) during the load and until the
	// store settled; -1 when unknown. The sandbox delivers them again
	// later, so the figures per checkout leave out their processing.
	WebhooksRefused int64
	// CPU is where the CPU went from the load's start until the store
	// settled; zero when the targets do not publish their own.
	CPU CPUUse
	// Mismatches lists every consistency violation; empty means consistent.
	Mismatches []string
}

// CheckoutsPerSecond is Checkouts / Elapsed.
func (r *Result) CheckoutsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Checkouts) / r.Elapsed.Seconds()
}

// Run performs one bench run: commit probe (optional), setup (admin login,
// products, one account per shopper), the load, and the consistency check.
// It returns an error only when the run could not take place (bad config,
// server down, setup failing); load errors and mismatches are in Result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	res := &Result{}
	if cfg.CommitProbe != "" {
		if res.Probe, err = probeCommits(ctx, cfg.CommitProbe, cfg.Concurrency, cfg.ProbeDuration); err != nil {
			return nil, err
		}
		fmt.Fprintf(cfg.Out, "commit probe: %.0f single-row commits/s (%d writers)\n", res.Probe.CommitsPerSecond, res.Probe.Writers)
	}
	r := &run{cfg: cfg, rec: newRecorder(), rnd: rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))}
	if err := r.setup(ctx); err != nil {
		return nil, err
	}
	var before txCounts
	if isPostgres(cfg.CommitProbe) {
		before, _ = countTx(ctx, cfg.CommitProbe)
	}
	stopSampler := func() {}
	if isPostgres(cfg.CommitProbe) {
		stopSampler = r.sampleCommits(ctx, cfg.CommitProbe)
	}
	countsBefore, metered := r.storeCounters(ctx)
	r.load(ctx)
	stopSampler()
	res.StoreWrites, res.Statements, res.RoundTrips, res.WebhooksRefused = -1, -1, -1, -1
	if metered {
		if n, ok := r.settledCounts(ctx, countsBefore); ok {
			res.StoreWrites, res.Statements, res.RoundTrips = n.Writes, n.Statements, n.RoundTrips
			res.WebhooksRefused = n.WebhooksRefused
			if n.CPUKnown {
				res.CPU = cpuUse(n, onThisMachine(r.cfg.targets))
			}
			if n.Writer {
				res.WriterBusy, res.EngineCommits = time.Duration(n.WriterBusy*float64(time.Second)), n.EngineCommits
			}
		}
	}
	res.Elapsed = r.elapsed
	if isPostgres(cfg.CommitProbe) {
		fmt.Fprintf(cfg.Out, "waiting %s for PostgreSQL to publish transaction counts\n", statsFlushWait)
		time.Sleep(statsFlushWait)
		if after, err := countTx(ctx, cfg.CommitProbe); err == nil && before.XID > 0 {
			res.Commits, res.WriteTx = after.Commits-before.Commits, after.XID-before.XID-1
		}
	}
	r.awaitExpiry(ctx)
	res.Steps, res.Errors = r.rec.stats(), r.rec.errors
	res.Checkouts, res.Refunds, res.Attempts = int(r.paid.Load()), int(r.refunded.Load()), len(r.orders)
	res.Mismatches = r.check(ctx)
	return res, nil
}

// run is the state of one Run.
type run struct {
	cfg      Config
	rec      *recorder
	rnd      *rand.Rand // setup only; each shopper has its own
	runID    string
	admin    string // admin token
	products []product
	shoppers []shopper
	start    time.Time
	elapsed  time.Duration

	mu            sync.Mutex
	orders        []*tracked
	lastAbandoned time.Time
	paid          atomic.Int64
	refunded      atomic.Int64
}

// tracked is one order the tool created and what it saw happen to it.
type tracked struct {
	OrderID    string
	Amount     int64
	TaxFree    int64            // the tax-free part of Amount, sent with it
	Lines      map[string]int64 // product id → quantity
	SawPaid    bool             // confirmed done, or deposited into its virtual account
	SawRefund  bool             // refunded in full
	SawPartial bool             // refunded in part
	Virtual    bool             // paid by virtual account
	Abandoned  bool             // never paid: the sweep must expire it
}

// shopper is one simulated customer: a token and the paydeck instance it
// talks to; web is its browser for the web shop (cookies), made on first
// use.
type shopper struct {
	token, base string
	web         *http.Client
}

type product struct {
	ID            string `json:"id"`
	Price         int64  `json:"price"`
	StockQuantity int64  `json:"stockQuantity"`
}

// setupRetryFor bounds how long setup retries a call the server did not
// answer (it may be restarting).
const setupRetryFor = 30 * time.Second

// initialStock is each product's stock at creation: large enough that no
// run sells out.
const initialStock = 100_000_000

// url is path on the first target (admin calls and the check).
func (r *run) url(path string) string { return r.cfg.targets[0] + path }

// setup logs the admin in, creates three products and one account per
// shopper.
func (r *run) setup(ctx context.Context) error {
	r.runID = fmt.Sprintf("%d%04d", r.cfg.Now().Unix(), r.rnd.IntN(10000))
	tok, err := r.login(ctx, r.cfg.targets[0], r.cfg.AdminEmail, r.cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("bench: admin login: %w", err)
	}
	r.admin = tok
	for i, price := range []int64{4900, 12800, 23500} {
		var p product
		err := r.limited(ctx, "setup", call{Method: http.MethodPost, URL: r.url("/api/products"), Bearer: r.admin,
			Body: map[string]any{"name": fmt.Sprintf("벤치 상품 %s-%d", r.runID, i), "price": price, "stockQuantity": initialStock}}, &p)
		if err != nil {
			return fmt.Errorf("bench: create product: %w", err)
		}
		r.products = append(r.products, p)
	}
	kept, err := readShoppers(r.cfg.ShoppersFile)
	if err != nil {
		return err
	}
	r.shoppers = make([]shopper, r.cfg.Concurrency)
	errs := make([]error, r.cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range r.shoppers {
		base := r.cfg.targets[i%len(r.cfg.targets)]
		if k := kept.take(base); k != nil && r.validToken(ctx, base, k.Token) {
			r.shoppers[i] = shopper{token: k.Token, base: base}
			continue
		} else if k != nil {
			k.Token = "" // ended or expired: dropped from the file
		}
		wg.Go(func() {
			email := fmt.Sprintf("bench-%s-%d@example.com", r.runID, i)
			const password = "bench-password-1"
			err := r.limited(ctx, StepSignup, call{Method: http.MethodPost, URL: base + "/api/auth/signup",
				Body: map[string]string{"email": email, "password": password, "name": "벤치 고객"}}, nil)
			if err != nil {
				errs[i] = err
				return
			}
			r.shoppers[i].base = base
			r.shoppers[i].token, errs[i] = r.login(ctx, base, email, password)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bench: shopper accounts: %w", err)
	}
	return writeShoppers(r.cfg.ShoppersFile, kept, r.shoppers)
}

// validToken reports whether a kept shopper token still signs in.
func (r *run) validToken(ctx context.Context, base, token string) bool {
	_, err := do(ctx, r.cfg.HTTPClient, "setup", call{Method: http.MethodGet, URL: base + "/api/me", Bearer: token}, nil)
	return err == nil
}

// login returns a bearer token, waiting out the login rate limit.
func (r *run) login(ctx context.Context, base, email, password string) (string, error) {
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	err := r.limited(ctx, StepLogin, call{Method: http.MethodPost, URL: base + "/api/auth/login",
		Body: map[string]string{"email": email, "password": password}}, &tok)
	return tok.AccessToken, err
}

// limited sends c as step, waiting and retrying while the server answers
// 429 (the sign-up and login rate limits), and records the latency of the
// successful attempt.
//
// A transport error (the server restarting: the crash test kills it at
// random moments, also during setup) is retried too, for up to
// setupRetryFor; a sign-up retried that way may find its first attempt
// committed, so its 409 then counts as done.
func (r *run) limited(ctx context.Context, step string, c call, out any) error {
	giveUp := time.Now().Add(setupRetryFor)
	retried := false
	for {
		start := time.Now()
		_, err := do(ctx, r.cfg.HTTPClient, step, c, out)
		if he, ok := err.(*httpError); ok && retried && step == StepSignup && he.Status == http.StatusConflict {
			err = nil
		}
		wait, limited := retryAfter(err)
		if _, isHTTP := err.(*httpError); err != nil && !isHTTP && ctx.Err() == nil && time.Now().Before(giveUp) {
			wait, limited, retried = 200*time.Millisecond, true, true
		}
		if !limited {
			if err == nil {
				r.rec.observe(step, time.Since(start))
			}
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// load runs the shoppers until the duration or count is reached.
func (r *run) load(ctx context.Context) {
	// stop ends the starting of checkouts; a checkout under way finishes on
	// ctx, so that the tool knows how each one ended.
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	if r.cfg.Duration > 0 {
		stop, cancel = context.WithTimeout(ctx, r.cfg.Duration)
		defer cancel()
	}
	var issued atomic.Int64
	r.start = time.Now()
	stopProgress := r.progress()
	var wg sync.WaitGroup
	for i := range r.shoppers {
		s := &r.shoppers[i]
		rnd := rand.New(rand.NewPCG(r.cfg.Seed, uint64(i)+1))
		wg.Go(func() {
			for stop.Err() == nil {
				n := issued.Add(1)
				if r.cfg.Count > 0 && n > int64(r.cfg.Count) {
					return
				}
				if r.cfg.Rate > 0 && !r.pace(stop, n) {
					return
				}
				if r.cfg.Mix == MixShop {
					r.shopTurn(ctx, s, rnd)
				} else {
					r.checkout(ctx, s, rnd)
				}
				if r.cfg.SandboxSampleEvery > 0 && n%int64(r.cfg.SandboxSampleEvery) == 0 {
					r.sandboxConfirm(ctx, n)
				}
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(r.start)
	stopProgress()
}

// settledCounts waits for paydeck to finish what the load started (the
// sandbox delivers its webhooks one at a time, so they can trail the load)
// — until the store's write count holds still for a second, at most
// statsFlushWait — and returns the counts since before.
func (r *run) settledCounts(ctx context.Context, before storeCounts) (storeCounts, bool) {
	last, ok := r.storeCounters(ctx)
	for deadline := time.Now().Add(statsFlushWait); ok && time.Now().Before(deadline); {
		time.Sleep(time.Second)
		var n storeCounts
		if n, ok = r.storeCounters(ctx); n.Writes == last.Writes {
			break
		}
		last = n
	}
	return last.sub(before), ok
}

// pace waits until the n-th checkout (from 1) may start under cfg.Rate; it
// reports false when stop ends first.
func (r *run) pace(stop context.Context, n int64) bool {
	at := r.start.Add(time.Duration(float64(n-1) / r.cfg.Rate * float64(time.Second)))
	t := time.NewTimer(time.Until(at))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop.Done():
		return false
	}
}

// progress prints a line every cfg.Progress until the returned func runs.
func (r *run) progress() (stop func()) {
	if r.cfg.Progress < 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(r.cfg.Progress)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				el := time.Since(r.start)
				paid := r.paid.Load()
				fmt.Fprintf(r.cfg.Out, "%5.1fs  checkouts %6d  (%.1f/s)  refunds %5d  errors %d\n",
					el.Seconds(), paid, float64(paid)/el.Seconds(), r.refunded.Load(), r.errorCount())
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

func (r *run) errorCount() int {
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	n := 0
	for _, c := range r.rec.errors {
		n += c
	}
	return n
}
