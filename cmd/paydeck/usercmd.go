package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
)

// user changes one account through the account service: --role gives it a
// role, --delete deletes it. Either way every session of the account (page
// cookies and API tokens) ends at once.
func (m *Main) user(ctx context.Context) error {
	f := m.flags
	email := paydeck.NormalizeEmail(f.email)
	role := paydeck.Role(f.role)
	switch {
	case email == "":
		return errors.New("user: --email is required")
	case (f.role == "") == !f.deleteUser:
		return errors.New("user: give exactly one of --role and --delete")
	case f.role != "" && role != paydeck.RoleAdmin && role != paydeck.RoleCustomer:
		return fmt.Errorf("user: --role must be %s or %s", paydeck.RoleAdmin, paydeck.RoleCustomer)
	}
	if err := m.openStore(ctx); err != nil {
		return err
	}
	accounts, err := account.New(account.Config{Store: m.db, Now: m.Now, Rand: m.Rand})
	if err != nil {
		return err
	}
	var u *paydeck.User
	if err := m.db.View(ctx, func(tx paydeck.Tx) (err error) {
		u, err = tx.FindUserByEmail(ctx, email)
		return err
	}); paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return fmt.Errorf("user: no user with email %s", email)
	} else if err != nil {
		return fmt.Errorf("user: %w", err)
	}
	if f.deleteUser {
		if err := accounts.DeleteUser(ctx, u.ID); err != nil {
			return fmt.Errorf("user: delete %s: %s", email, paydeck.ErrorMessage(err))
		}
		fmt.Fprintf(m.Stdout, "user %s deleted; their sessions ended\n", email)
		return nil
	}
	if err := accounts.SetRole(ctx, u.ID, role); err != nil {
		return fmt.Errorf("user: %w", err)
	}
	fmt.Fprintf(m.Stdout, "user %s is now %s; their sessions ended\n", email, role)
	return nil
}
