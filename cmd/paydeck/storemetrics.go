package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
)

// meteredDB is serve's store: it counts and times paydeck's own
// transactions for /metrics (River's transactions for fetching and
// completing jobs are not among them; jobs inserted in a transaction are).
type meteredDB struct {
	store.DB
	txs *prometheus.CounterVec
	dur *prometheus.HistogramVec
}

// Transaction kinds and outcomes, the labels of the store metrics.
const (
	txWrite    = "write" // Store.Update
	txRead     = "read"  // Store.View
	txCommit   = "commit"
	txRollback = "rollback" // fn or the commit failed; nothing was written
)

func newMeteredDB(db store.DB) *meteredDB {
	return &meteredDB{DB: db,
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
}

// collectors are the metrics to register.
func (d *meteredDB) collectors() []prometheus.Collector { return []prometheus.Collector{d.txs, d.dur} }

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
