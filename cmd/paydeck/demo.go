package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/auth"
)

// DemoAdminEmail is the admin account a fresh sandbox-mode shop gets.
const DemoAdminEmail = "admin@paydeck.local"

// demoAdminFile names the file in the data dir that holds the demo admin's
// password.
const demoAdminFile = "demo-admin.txt"

// setUpDemoShop makes a brand-new shop usable at once in sandbox mode: when
// the database has no users and no products, it adds the demo catalogue and
// payment methods (as `paydeck seed` does) and an admin account whose
// random password it writes to demo-admin.txt in the data dir (mode 0600;
// the password is never logged). A shop that has any user or product, or
// one with Toss keys, is left alone.
func (m *Main) setUpDemoShop(ctx context.Context) error {
	var users, products int
	err := m.db.View(ctx, func(tx paydeck.Tx) (err error) {
		if _, users, err = tx.FindUsers(ctx, paydeck.UserFilter{Limit: 1}); err != nil {
			return err
		}
		_, products, err = tx.FindProducts(ctx, paydeck.ProductFilter{Limit: 1})
		return err
	})
	if err != nil || users > 0 || products > 0 {
		return err
	}
	random := m.Rand
	if random == nil {
		random = rand.Reader
	}
	raw := make([]byte, 10)
	if _, err := io.ReadFull(random, raw); err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	password := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	hash, err := auth.NewHasher(auth.DefaultParams, m.Rand).Hash(password)
	if err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	path := filepath.Join(m.Config.DataDir, demoAdminFile)
	content := fmt.Sprintf("email: %s\npassword: %s\n", DemoAdminEmail, password)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	admin := &paydeck.User{Email: DemoAdminEmail, PasswordHash: hash, Name: "데모 관리자", Role: paydeck.RoleAdmin}
	if err := m.db.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateUser(ctx, admin) }); err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	added, methods, err := seedCatalogue(ctx, m.db)
	if err != nil {
		return err
	}
	if err := seedDemoPlan(ctx, m.db); err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	if err := seedDemoCoupon(ctx, m.db); err != nil {
		return fmt.Errorf("demo shop: %w", err)
	}
	m.logger.Info("sandbox mode: a demo shop was set up in the empty database",
		"products", added, "payment_methods", methods, "admin", DemoAdminEmail, "admin_password_file", path)
	return nil
}
