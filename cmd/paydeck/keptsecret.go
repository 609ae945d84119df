package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// secretPath is where a generated PAYDECK_SECRET is kept.
func (c *Config) secretPath() string { return filepath.Join(c.DataDir, secretFile) }

// loadKeptSecret fills an unset Secret from the data dir's secret file when
// it exists. The file must not be readable by group or others.
func (c *Config) loadKeptSecret() error {
	if c.Secret.IsSet() {
		return nil
	}
	path := c.secretPath()
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("PAYDECK_SECRET: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("PAYDECK_SECRET: %s is readable by others (mode %v); run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("PAYDECK_SECRET: %w", err)
	}
	c.Secret = NewSecret(strings.TrimSpace(string(b)))
	c.sources["PAYDECK_SECRET"] = "data dir"
	return nil
}

// ensureSecret generates PAYDECK_SECRET (32 random bytes, hex) when none is
// set and keeps it in the data dir with mode 0600, so that it survives
// restarts. random nil means crypto/rand. Two processes racing both end up
// with the file that was created first.
func (c *Config) ensureSecret(random io.Reader) error {
	if c.Secret.IsSet() {
		return nil
	}
	if random == nil {
		random = rand.Reader
	}
	var b [32]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return fmt.Errorf("generate PAYDECK_SECRET: %w", err)
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("generate PAYDECK_SECRET: %w", err)
	}
	f, err := os.OpenFile(c.secretPath(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return c.loadKeptSecret()
	} else if err != nil {
		return fmt.Errorf("generate PAYDECK_SECRET: %w", err)
	}
	value := hex.EncodeToString(b[:])
	if _, err := f.WriteString(value + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("generate PAYDECK_SECRET: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("generate PAYDECK_SECRET: %w", err)
	}
	c.Secret = NewSecret(value)
	c.sources["PAYDECK_SECRET"] = "generated"
	return nil
}
