package main

import (
	"context"
	"fmt"
	"os"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/notify"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/store"
)

// openStore opens the configured database with m's job workers (if any)
// and applies its migrations (paydeck's and River's). The store is kept in
// m.db for Close.
func (m *Main) openStore(ctx context.Context) error {
	cfg := m.Config
	if !isPostgresURL(cfg.DatabaseURL.Reveal()) {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("create data dir: %w", err)
		}
	}
	db, err := store.Open(ctx, cfg.DatabaseURL.Reveal(), store.Options{
		Logger:       m.logger,
		Now:          m.Now,
		Workers:      m.workers,
		PeriodicJobs: m.periodicJobs,
		EventHook: paydeck.ChainHooks(outbound.Hook(api.Views{}), notify.Hook(notify.Options{
			ShopEmail: cfg.ShopEmail, Lang: cfg.MailLang, LowStock: 5, Keep: cfg.SMTPURL.Reveal() == ""})),

		RescueStuckJobsAfter: cfg.JobRescueAfter,
		CountStatements:      m.stmts.add,
	})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	m.db = db
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate %s database: %w", db.Engine(), err)
	}
	return nil
}

// migrate applies the migrations and exits.
func (m *Main) migrate(ctx context.Context) error {
	if err := m.openStore(ctx); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s database is up to date\n", m.db.Engine())
	return nil
}
