package main

import (
	"context"
	"fmt"
	"text/tabwriter"
)

// printConfig writes the effective configuration as .env-style lines, each
// with its source; secrets and database passwords are redacted.
func (m *Main) printConfig(context.Context) error {
	cfg := m.Config
	mode := "Toss API at " + cfg.TossAPIBaseURL
	if cfg.SandboxMode() {
		mode = "sandbox (no Toss keys: the offline sandbox is mounted at " + sandboxPath + ")"
	}
	fmt.Fprintf(m.Stdout, "# paydeck configuration; secrets redacted\n# mode: %s\n", mode)
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	for _, o := range options {
		value := o.show(cfg)
		if o.env == "PAYDECK_SECRET" && !cfg.Secret.IsSet() {
			value = ""
			defer fmt.Fprintf(m.Stdout, "# PAYDECK_SECRET is unset: serve generates one into %s\n", cfg.secretPath())
		}
		fmt.Fprintf(tw, "%s=%s\t# %s\n", o.env, value, cfg.Source(o.env))
	}
	return tw.Flush()
}
