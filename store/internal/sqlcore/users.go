package sqlcore

import (
	"context"

	"github.com/paydeck/paydeck"
)

const userCols = "id, email, password_hash, name, role, created_at, updated_at"

const errEmailTaken = "This email address is already registered."

func scanUser(r Rows) (*paydeck.User, error) {
	u := &paydeck.User{}
	err := r.Scan(scanText(&u.ID), &u.Email, &u.PasswordHash, &u.Name, &u.Role,
		scanTime(&u.CreatedAt), scanTime(&u.UpdatedAt))
	return u, err
}

// CreateUser implements paydeck.Tx.
func (tx *Tx) CreateUser(ctx context.Context, u *paydeck.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	u.ID, u.Email, u.CreatedAt, u.UpdatedAt = id, paydeck.NormalizeEmail(u.Email), tx.now, tx.now
	_, err = tx.exec(ctx, errEmailTaken, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.PasswordHash, u.Name, string(u.Role), tx.t(u.CreatedAt), tx.t(u.UpdatedAt))
	return err
}

// FindUserByID implements paydeck.Tx.
func (tx *Tx) FindUserByID(ctx context.Context, id string) (*paydeck.User, error) {
	if err := tx.beforeHeldRead(ctx); err != nil {
		return nil, err
	}
	if u := tx.knownUser; u != nil && u.ID == id {
		c := *u
		return &c, nil
	}
	return tx.findUser(ctx, paydeck.UserFilter{ID: &id})
}

// FindUserByEmail implements paydeck.Tx.
func (tx *Tx) FindUserByEmail(ctx context.Context, email string) (*paydeck.User, error) {
	return tx.findUser(ctx, paydeck.UserFilter{Email: &email})
}

// LockUser implements paydeck.Tx.
func (tx *Tx) LockUser(ctx context.Context, id string) error {
	if !paydeck.ValidUUID(id) {
		return paydeck.Errorf(paydeck.CodeNotFound, "User not found.")
	}
	_, err := first(ctx, tx, `SELECT id FROM users WHERE id = ?`+tx.d.ForUpdate(), []any{id},
		func(r Rows) (*string, error) {
			var s string
			return &s, r.Scan(&s)
		}, "User not found.")
	return err
}

func (tx *Tx) findUser(ctx context.Context, f paydeck.UserFilter) (*paydeck.User, error) {
	// ID and email are unique: a page of two is never full, so list does
	// not spend a second statement on the total.
	f.Limit = 2
	users, _, err := tx.FindUsers(ctx, f)
	if err != nil {
		return nil, err
	} else if len(users) == 0 {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, "User not found.")
	}
	return users[0], nil
}

// FindUsers implements paydeck.Tx.
func (tx *Tx) FindUsers(ctx context.Context, f paydeck.UserFilter) ([]*paydeck.User, int, error) {
	w := &where{}
	if f.ID != nil {
		if !paydeck.ValidUUID(*f.ID) {
			return []*paydeck.User{}, 0, nil
		}
		w.add("id = ?", *f.ID)
	}
	if len(f.IDs) > 0 {
		ids := validUUIDs(f.IDs)
		if len(ids) == 0 {
			return []*paydeck.User{}, 0, nil
		}
		in(w, "id", ids)
	}
	if f.Email != nil {
		w.add("email = ?", paydeck.NormalizeEmail(*f.Email))
	}
	if f.Role != nil {
		w.add("role = ?", string(*f.Role))
	}
	return list(ctx, tx, userCols, "FROM users", w, "created_at, id", f.Offset, f.Limit, scanUser)
}

// UpdateUser implements paydeck.Tx.
func (tx *Tx) UpdateUser(ctx context.Context, u *paydeck.User) error {
	if err := u.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(u.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, "User not found.")
	}
	u.Email, u.UpdatedAt = paydeck.NormalizeEmail(u.Email), tx.now
	tx.knownUser = nil
	n, err := tx.exec(ctx, errEmailTaken,
		`UPDATE users SET email = ?, password_hash = ?, name = ?, role = ?, updated_at = ? WHERE id = ?`,
		u.Email, u.PasswordHash, u.Name, string(u.Role), tx.t(u.UpdatedAt), u.ID)
	return rowsOrNotFound(n, err, "User not found.")
}

// rowsOrNotFound turns "no row affected" into a not_found *Error with msg.
func rowsOrNotFound(n int64, err error, msg string) error {
	if err == nil && n == 0 {
		return paydeck.Errorf(paydeck.CodeNotFound, "%s", msg)
	}
	return err
}
