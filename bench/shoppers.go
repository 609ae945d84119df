package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// keptShopper is one entry of a shoppers file: a bearer token of a
// shopper account on the paydeck instance at Base.
type keptShopper struct {
	Base  string `json:"base"`
	Token string `json:"token"`
	used  bool
}

type keptShoppers []*keptShopper

// readShoppers reads a shoppers file; a missing file (or no file name)
// holds none.
func readShoppers(path string) (keptShoppers, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("bench: shoppers file: %w", err)
	}
	var k keptShoppers
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("bench: shoppers file %s: %w", path, err)
	}
	return k, nil
}

// take returns an unused kept shopper of base, or nil.
func (k keptShoppers) take(base string) *keptShopper {
	for _, s := range k {
		if !s.used && s.Base == base {
			s.used = true
			return s
		}
	}
	return nil
}

// writeShoppers writes the kept shoppers and the run's new ones to path
// (nothing when path is ""), readable by its owner only: the tokens are
// sessions.
func writeShoppers(path string, kept keptShoppers, run []shopper) error {
	if path == "" {
		return nil
	}
	var out keptShoppers
	for _, s := range kept {
		if s.Token != "" {
			out = append(out, s)
		}
	}
	for _, s := range run {
		if out.has(s.token) {
			continue
		}
		out = append(out, &keptShopper{Base: s.base, Token: s.token})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("bench: shoppers file: %w", err)
	}
	return nil
}

func (k keptShoppers) has(token string) bool {
	for _, s := range k {
		if s.Token == token {
			return true
		}
	}
	return false
}
