package bench

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"time"
)

// Print writes the report: throughput, per-step latencies, errors by code,
// the database figures, paydeck's added confirm latency and, last, the
// consistency line ("consistency: ok" or the mismatches).
func (r *Result) Print(w io.Writer) {
	fmt.Fprintf(w, "\ncheckouts %d of %d orders in %s: %.1f checkouts/s; refunds %d\n",
		r.Checkouts, r.Attempts, r.Elapsed.Round(time.Millisecond), r.CheckoutsPerSecond(), r.Refunds)
	fmt.Fprintf(w, "%-16s %7s %9s %9s %9s %9s\n", "step", "count", "p50", "p90", "p99", "max")
	for _, s := range r.Steps {
		fmt.Fprintf(w, "%-16s %7d %9s %9s %9s %9s\n", s.Step, s.Count, ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max))
	}
	if confirm, direct, ok := r.addedLatency(); ok {
		fmt.Fprintf(w, "paydeck added to the Toss confirm: p50 %s, p99 %s (paydeck confirm minus sandbox confirm)\n",
			ms(confirm.P50-direct.P50), ms(confirm.P99-direct.P99))
		if c, ok := r.step(StepDBCommit); ok && c.P50 > 0 && c.P99 > 0 {
			fmt.Fprintf(w, "  = %.1f× (p50) and %.1f× (p99) one single-row commit to the same database during the load (%s, %s)\n",
				float64(confirm.P50-direct.P50)/float64(c.P50), float64(confirm.P99-direct.P99)/float64(c.P99), ms(c.P50), ms(c.P99))
			fmt.Fprintf(w, "  = %.2f× (p50) and %.2f× (p99) a confirm's floor of two such commits (targets at half of the peak: ≤ 1.5×, ≤ 3×)\n",
				float64(confirm.P50-direct.P50)/float64(2*c.P50), float64(confirm.P99-direct.P99)/float64(2*c.P99))
		}
	}
	if len(r.Errors) == 0 {
		fmt.Fprintln(w, "errors: none")
	} else {
		fmt.Fprintln(w, "errors:")
		for _, k := range slices.Sorted(maps.Keys(r.Errors)) {
			fmt.Fprintf(w, "  %-40s %d\n", k, r.Errors[k])
		}
	}
	if r.Probe != nil {
		fmt.Fprintf(w, "commit ceiling (%s, %d writers): %.0f commits/s\n", r.Probe.Engine, r.Probe.Writers, r.Probe.CommitsPerSecond)
	}
	if r.WebhooksRefused > 0 {
		fmt.Fprintf(w, "WARNING: paydeck refused %d Toss webhook deliveries with 429 (PAYDECK_WEBHOOK_RATE); the figures per checkout below leave out their processing: run the server with a webhook rate above the checkouts' rate\n",
			r.WebhooksRefused)
	}
	if r.StoreWrites >= 0 && r.Checkouts > 0 {
		_, direct := r.toolWrites()
		fmt.Fprintf(w, "paydeck's store write commits (/metrics): %d; less %d webhook records of the tool's sandbox-only orders: %.2f per checkout (River's own transactions not counted)\n",
			r.StoreWrites, direct, float64(r.StoreWrites-int64(direct))/float64(r.Checkouts))
	}
	if r.Statements > 0 && r.Checkouts > 0 {
		_, direct := r.toolWrites()
		own := r.Statements - int64(directWebhookStatements*direct)
		trips := directWebhookStatements
		if r.Probe != nil && r.Probe.Engine == "postgres" {
			trips++ // the COMMIT after the record
		}
		fmt.Fprintf(w, "paydeck's store statements (/metrics): %d; less %d for the webhooks of the tool's sandbox-only orders: %.2f per checkout, in %.2f round trips (on PostgreSQL with each COMMIT or ROLLBACK sent on its own)\n",
			r.Statements, directWebhookStatements*direct, float64(own)/float64(r.Checkouts),
			float64(r.RoundTrips-int64(trips*direct))/float64(r.Checkouts))
	}
	r.CPU.print(w, r.Checkouts)
	if r.WriterBusy > 0 && r.Elapsed > 0 {
		fmt.Fprintf(w, "the store's one writer was held (/metrics) %.1f s of the %.1f s load = %.0f%%",
			r.WriterBusy.Seconds(), r.Elapsed.Seconds(), 100*r.WriterBusy.Seconds()/r.Elapsed.Seconds())
		if r.EngineCommits > 0 && r.StoreWrites > 0 {
			fmt.Fprintf(w, "; %.2f store write commits per engine commit", float64(r.StoreWrites)/float64(r.EngineCommits))
		}
		fmt.Fprintln(w)
	}
	if r.Commits > 0 && r.WriteTx > 0 && r.Checkouts > 0 {
		fmt.Fprintf(w, "database transactions during the load: %d = %.2f per checkout (read-only included)\n",
			r.Commits, float64(r.Commits)/float64(r.Checkouts))
		fmt.Fprintf(w, "writing commits during the load: %d = %.2f per checkout (cluster-wide transaction IDs)\n",
			r.WriteTx, float64(r.WriteTx)/float64(r.Checkouts))
		samples, direct := r.toolWrites()
		paydeck := r.WriteTx - int64(samples+direct)
		per := float64(paydeck) / float64(r.Checkouts)
		fmt.Fprintf(w, "  less the tool's own (%d commit samples, %d webhook records of its sandbox-only orders): %d = %.2f per checkout\n",
			samples, direct, paydeck, per)
		if r.Probe != nil {
			ceiling := r.Probe.CommitsPerSecond / per
			fmt.Fprintf(w, "checkouts/s = %.1f%% of (commit ceiling / commits per checkout = %.0f/s)\n",
				100*r.CheckoutsPerSecond()/ceiling, ceiling)
		}
	}
	// Also from paydeck's own count: the transaction IDs are cluster-wide,
	// so on a shared server other databases' writers inflate them.
	if r.Probe != nil && r.Checkouts > 0 && r.StoreWrites > 0 {
		_, direct := r.toolWrites()
		per := float64(r.StoreWrites-int64(direct)) / float64(r.Checkouts)
		ceiling := r.Probe.CommitsPerSecond / per
		fmt.Fprintf(w, "checkouts/s = %.1f%% of (commit ceiling / store write commits per checkout = %.0f/s)\n",
			100*r.CheckoutsPerSecond()/ceiling, ceiling)
	} else if r.Probe != nil && r.Checkouts > 0 {
		fmt.Fprintf(w, "checkouts/s = %.2f%% of the commit ceiling\n", 100*r.CheckoutsPerSecond()/r.Probe.CommitsPerSecond)
	}
	if len(r.Mismatches) == 0 {
		fmt.Fprintln(w, "consistency: ok")
		return
	}
	fmt.Fprintf(w, "consistency: %d mismatches\n", len(r.Mismatches))
	for _, m := range r.Mismatches {
		fmt.Fprintln(w, "  "+m)
	}
}

// directWebhookStatements is what paydeck's store spends on the webhook of
// one of the tool's sandbox-only orders: one statement that finds no
// payment with its paymentKey and records the delivery as processed
// (payment.ReceiveWebhook; on PostgreSQL, its COMMIT takes a round trip
// more).
const directWebhookStatements = 1

// toolWrites returns the writing transactions the tool itself caused during
// the load: its sampled commits, and one webhook record per sandbox-only
// order (the sandbox reports each to paydeck, which records it and, not
// knowing the payment, does nothing else).
func (r *Result) toolWrites() (samples, direct int) {
	c, _ := r.step(StepDBCommit)
	d, _ := r.step(StepSandboxConfirm)
	return c.Count, d.Count
}

// step returns the figures of one step, if it was measured.
func (r *Result) step(name string) (StepStats, bool) {
	for _, s := range r.Steps {
		if s.Step == name {
			return s, true
		}
	}
	return StepStats{}, false
}

// addedLatency returns the confirm and sandbox-confirm figures when both
// were measured.
func (r *Result) addedLatency() (confirm, direct StepStats, ok bool) {
	var c, d bool
	for _, s := range r.Steps {
		switch s.Step {
		case StepConfirm:
			confirm, c = s, true
		case StepSandboxConfirm:
			direct, d = s, true
		}
	}
	return confirm, direct, c && d
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
