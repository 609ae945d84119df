package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paydeck/paydeck/jobs"
)

// reconcile compares one KST day's local payments with Toss's transaction
// list (payment.Service.Reconcile), stores the report and prints it as
// JSON. The day is --date, default yesterday (KST). In sandbox mode the
// sandbox lives inside `paydeck serve`, which must be running.
func (m *Main) reconcile(ctx context.Context) error {
	date := m.flags.date
	if date == "" {
		date = jobs.Yesterday(m.Now())
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	svc, err := m.newPayments()
	if err != nil {
		return err
	}
	rep, err := svc.Reconcile(ctx, date)
	if err != nil {
		return fmt.Errorf("reconcile %s: %w", date, err)
	}
	out, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(m.Stdout, "%s\n", out)
	return err
}
