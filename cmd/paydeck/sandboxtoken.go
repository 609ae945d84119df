package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// sandboxTokenFile keeps, in the data dir, the token that serve's mounted
// sandbox requires on its control API (sandbox.ControlTokenHeader).
const sandboxTokenFile = "sandbox-control.token"

// sandboxTokenPath is where serve keeps the sandbox control token.
func (c *Config) sandboxTokenPath() string { return filepath.Join(c.DataDir, sandboxTokenFile) }

// ensureSandboxToken returns the sandbox control token kept in the data
// dir, generating it (32 random bytes, hex; random nil means crypto/rand)
// with mode 0600 on first use. A kept file readable by group or others is
// refused, as secret.key is.
func (c *Config) ensureSandboxToken(random io.Reader) (string, error) {
	path := c.sandboxTokenPath()
	if random == nil {
		random = rand.Reader
	}
	var b [32]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", fmt.Errorf("generate sandbox control token: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readSandboxToken(path)
	} else if err != nil {
		return "", fmt.Errorf("generate sandbox control token: %w", err)
	}
	token := hex.EncodeToString(b[:])
	_, err = f.WriteString(token + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("generate sandbox control token: %w", err)
	}
	return token, nil
}

// readSandboxToken reads a kept sandbox control token.
func readSandboxToken(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("sandbox control token: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("sandbox control token: %s is readable by others (mode %v); run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("sandbox control token: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("sandbox control token: %s is empty; delete it to have a new one generated", path)
	}
	return token, nil
}

// isLoopbackAddr reports whether the host of addr (host:port) can only be
// reached from this machine: localhost or a loopback IP. An empty host
// (all interfaces) is not.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
