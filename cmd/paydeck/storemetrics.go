package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
)

// meteredDB is serve's store: it counts and times paydeck's own
// transactions for /metrics (River's transactions for fetching and
// completing jobs are not among them; jobs inserted in a transaction are),
// and publishes the statements they sent.
type meteredDB struct {
	store.DB
	txs   *prometheus.CounterVec
	dur   *prometheus.HistogramVec
	stmts []prometheus.Collector
}

// statementCounts are the store's statements and round trips
// (store.Options.CountStatements), counted from the moment the store opens.
type statementCounts struct{ statements, roundTrips atomic.Int64 }

func (c *statementCounts) add(statements, roundTrips int) {
	c.statements.Add(int64(statements))
	c.roundTrips.Add(int64(roundTrips))
}

// Transaction kinds and outcomes, the labels of the store metrics.
const (
	txWrite    = "write" // Store.Update
	txRead     = "read"  // Store.View
	txCommit   = "commit"
	txRollback = "rollback" // fn or the commit failed; nothing was written
)

// writerStats is a store with one serialized writer (SQLite): how long its
// turn was held and how many engine commits it made.
type writerStats interface {
	WriterStats() (busy time.Duration, commits int64)
}

func newMeteredDB(db store.DB, stmts *statementCounts) *meteredDB {
	d := &meteredDB{DB: db,
		stmts: []prometheus.Collector{
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "paydeck_store_statements_total",
				Help: "SQL statements paydeck's transactions sent (BEGIN and COMMIT not included; a job insert counts as one).",
			}, func() float64 { return float64(stmts.statements.Load()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "paydeck_store_round_trips_total",
				Help: "Round trips to the database paydeck's transactions took (a pipelined batch is one; on PostgreSQL a COMMIT or ROLLBACK sent on its own counts).",
			}, func() float64 { return float64(stmts.roundTrips.Load()) }),
		},
		txs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paydeck_store_transactions_total",
			Help: "paydeck's database transactions, by kind (write, read) and outcome (commit, rollback).",
		}, []string{"kind", "outcome"}),
		dur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "paydeck_store_transaction_duration_seconds",
			Help:    "Time from the start of a database transaction to its end, commit included, by kind.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"kind"}),
	}
	if w, ok := db.(writerStats); ok {
		d.stmts = append(d.stmts,
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "paydeck_store_writer_busy_seconds_total",
				Help: "Time the store's one writer was held by a write transaction (SQLite), commits included.",
			}, func() float64 { busy, _ := w.WriterStats(); return busy.Seconds() }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "paydeck_store_engine_commits_total",
				Help: "Transactions the database engine committed (SQLite: a group of write transactions sharing one commit is one).",
			}, func() float64 { _, n := w.WriterStats(); return float64(n) }))
	}
	return d
}

// collectors are the metrics to register.
func (d *meteredDB) collectors() []prometheus.Collector {
	return append([]prometheus.Collector{d.txs, d.dur}, d.stmts...)
}

// Update implements paydeck.Store.
func (d *meteredDB) Update(ctx context.Context, fn func(tx paydeck.Tx) error) error {
	start := time.Now()
	err := d.DB.Update(ctx, fn)
	d.observe(txWrite, start, err)
	return err
}

// View implements paydeck.Store.
func (d *meteredDB) View(ctx context.Context, fn func(tx paydeck.Tx) error) error {
	start := time.Now()
	err := d.DB.View(ctx, fn)
	d.observe(txRead, start, err)
	return err
}

func (d *meteredDB) observe(kind string, start time.Time, err error) {
	outcome := txCommit
	if err != nil {
		outcome = txRollback
	}
	d.txs.WithLabelValues(kind, outcome).Inc()
	d.dur.WithLabelValues(kind).Observe(time.Since(start).Seconds())
}
