package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/auth"
)

// createAdmin creates an admin user from --email and --password (or the
// first line of stdin). An email already registered is an error, never an
// overwrite.
func (m *Main) createAdmin(ctx context.Context) error {
	email := paydeck.NormalizeEmail(m.flags.email)
	if email == "" {
		return errors.New("createadmin: --email is required")
	}
	password := m.flags.password
	if password == "" {
		var err error
		if password, err = m.readPassword(); err != nil {
			return fmt.Errorf("createadmin: %w", err)
		}
	}
	if err := account.CheckPasswordPolicy(email, password); err != nil {
		return fmt.Errorf("createadmin: %w", err)
	}
	hash, err := auth.NewHasher(auth.DefaultParams, m.Rand).Hash(password)
	if err != nil {
		return fmt.Errorf("createadmin: %w", err)
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	u := &paydeck.User{Email: email, PasswordHash: hash, Name: m.flags.name, Role: paydeck.RoleAdmin}
	err = m.db.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateUser(ctx, u) })
	if paydeck.ErrorCode(err) == paydeck.CodeConflict {
		return fmt.Errorf("createadmin: a user with email %s already exists", email)
	} else if err != nil {
		return fmt.Errorf("createadmin: %w", err)
	}
	fmt.Fprintf(m.Stdout, "admin %s created (id %s)\n", u.Email, u.ID)
	return nil
}

// readPassword reads the first line of stdin, prompting on stderr when stdin
// is a terminal (the password then echoes; prefer a pipe).
func (m *Main) readPassword() (string, error) {
	if f, ok := m.Stdin.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(m.Stderr, "Password: ")
		}
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no --password given and none on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
