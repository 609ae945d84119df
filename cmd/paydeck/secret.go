package main

import (
	"fmt"
	"io"
	"log/slog"
)

// redacted replaces a secret wherever it would be printed.
const redacted = "[redacted]"

// Secret is a configuration value that must never be printed: String, Format
// verbs, slog and text marshalling all show "[redacted]" (or "" when it is
// empty). Reveal returns the value for the one place that needs it.
type Secret struct{ value string }

// NewSecret wraps v.
func NewSecret(v string) Secret { return Secret{v} }

// Reveal returns the secret value.
func (s Secret) Reveal() string { return s.value }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s.value != "" }

// String returns "[redacted]", or "" for an empty secret.
func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return redacted
}

// Format prints String for every verb (%v, %#v, %d, %x, ...), so no
// formatting reaches the value.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue keeps slog from printing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps encoders (JSON, text) from printing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
