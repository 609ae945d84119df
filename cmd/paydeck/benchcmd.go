package main

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/paydeck/paydeck/bench"
)

// benchCommand is "paydeck bench": the load tool of package bench. Its
// flags bind to one bench.Config, reset each time the flags are set up.
func benchCommand() *command {
	cfg := new(bench.Config)
	var tokenFile string
	return &command{name: "bench", summary: "drive simulated shoppers through a running server and check consistency",
		help: "bench signs up --concurrency shoppers on a running paydeck server and has them order,\n" +
			"authorize through the Toss sandbox's control API, confirm and (--refund-share) refund,\n" +
			"for --duration or --count checkouts. It prints progress every second, then throughput,\n" +
			"latency percentiles per step, errors by code and a consistency check against the sandbox;\n" +
			"its last line is \"consistency: ok\" or the mismatches (and the exit status is then 1).\n" +
			"It needs an admin account (paydeck createadmin). --commit-probe with the server's\n" +
			"PAYDECK_DATABASE_URL also measures the database's single-row commit rate and, on\n" +
			"PostgreSQL, the commits one checkout costs.",
		flags: func(fs *flag.FlagSet, _ *commandFlags) {
			*cfg, tokenFile = bench.Config{}, ""
			fs.StringVar(&cfg.Target, "target", "http://127.0.0.1:8080", "paydeck base `URL` (comma-separated for several instances)")
			fs.StringVar(&cfg.Sandbox, "sandbox", "", "Toss sandbox base `URL` (default: {target}/toss-sandbox)")
			fs.StringVar(&cfg.AdminEmail, "admin-email", "", "admin `email` (required)")
			fs.StringVar(&cfg.AdminPassword, "admin-password", "", "admin `password` (required)")
			fs.IntVar(&cfg.Concurrency, "concurrency", 8, "simulated shoppers at once")
			fs.DurationVar(&cfg.Duration, "duration", 0, "how long to run (default 10s unless --count)")
			fs.IntVar(&cfg.Count, "count", 0, "number of checkouts to start (instead of --duration)")
			fs.Float64Var(&cfg.RefundShare, "refund-share", 0, "share of paid orders refunded at once, 0..1 (--mix checkout)")
			fs.StringVar(&cfg.Mix, "mix", bench.MixCheckout, "what each shopper does: checkout (order, authorize, confirm) or shop "+
				"(per checkout 10 catalogue and order-page reads and a cart; 15% virtual accounts, 10% refunds, half partial, 5% abandoned orders)")
			fs.StringVar(&cfg.ShoppersFile, "shoppers-file", "", "JSON `file` keeping the shoppers' tokens between runs (created and completed as needed), so later runs log no one in")
			fs.DurationVar(&cfg.ExpireWait, "expire-wait", 0, "--mix shop: wait after the last abandoned order before the check, for the sweep to expire it "+
				"(default 75s: run the server with PAYDECK_PAYMENT_TIMEOUT=1m and PAYDECK_SWEEP_INTERVAL of a few seconds)")
			fs.Float64Var(&cfg.Rate, "rate", 0, "cap on checkouts started per second over all shoppers (0: no cap), to measure latency below the peak")
			fs.StringVar(&cfg.CommitProbe, "commit-probe", "", "database `URL` of the server (PAYDECK_DATABASE_URL) to measure its commit ceiling")
			fs.DurationVar(&cfg.Settle, "settle", 0, "how long the consistency check waits for in-progress payments (default 30s)")
			fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the shoppers' choices")
			fs.StringVar(&tokenFile, "sandbox-token-file", "", "`file` with the sandbox control token (default: "+
				sandboxTokenFile+" in PAYDECK_DATA_DIR or ./data, when it exists)")
		},
		run: func(m *Main, ctx context.Context) error {
			c := *cfg
			c.Out = m.Stdout
			token, err := benchSandboxToken(m, tokenFile)
			if err != nil {
				return err
			}
			c.SandboxControlToken = token
			res, err := bench.Run(ctx, c)
			if err != nil {
				return err
			}
			res.Print(m.Stdout)
			if len(res.Mismatches) > 0 {
				return errors.New("bench: consistency check failed")
			}
			if res.Checkouts == 0 {
				return errors.New("bench: no checkout succeeded")
			}
			return nil
		}}
}

// benchSandboxToken reads the sandbox control token for bench: from file,
// else from the data dir serve uses (PAYDECK_DATA_DIR, default ./data),
// where a missing file means a standalone sandbox that needs none.
func benchSandboxToken(m *Main, file string) (string, error) {
	if file != "" {
		return readSandboxToken(file)
	}
	dir, ok := m.LookupEnv("PAYDECK_DATA_DIR")
	if !ok || dir == "" {
		dir = defaultDataDir
	}
	path := filepath.Join(dir, sandboxTokenFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	return readSandboxToken(path)
}
