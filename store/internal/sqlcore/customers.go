package sqlcore

import (
	"context"
	"strings"

	"github.com/paydeck/paydeck"
)

// phoneDigits is shipping_phone without the separators SearchDigits drops.
const phoneDigits = `REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(shipping_phone, '-', ''), ' ', ''), '.', ''), '(', ''), ')', '')`

// orderSearch is the condition of OrderFilter.Search over the orders
// columns in scope (unqualified), without the customer's email and name;
// "" for a blank term.
func orderSearch(term string) (string, []any) {
	term = strings.TrimSpace(term)
	if term == "" {
		return "", nil
	}
	like := "%" + escapeLike(strings.ToLower(term)) + "%"
	cond := `LOWER(order_id) LIKE ? ESCAPE '\' OR LOWER(shipping_name) LIKE ? ESCAPE '\'`
	args := []any{like, like}
	if d := paydeck.SearchDigits(term); d != "" {
		cond += ` OR ` + phoneDigits + ` LIKE ?`
		args = append(args, "%"+d+"%")
	}
	return cond, args
}

// userSearch is the email-or-name condition over the users columns of alias
// u.
func userSearch(u, term string) (string, []any) {
	like := "%" + escapeLike(strings.ToLower(strings.TrimSpace(term))) + "%"
	return u + `.email LIKE ? ESCAPE '\' OR LOWER(` + u + `.name) LIKE ? ESCAPE '\'`, []any{like, like}
}

// searchOrders adds OrderFilter.Search to w (orders unaliased).
func searchOrders(w *where, term string) {
	cond, args := orderSearch(term)
	if cond == "" {
		return
	}
	ucond, uargs := userSearch("u", term)
	w.add("("+cond+" OR user_id IN (SELECT u.id FROM users u WHERE "+ucond+"))", append(args, uargs...)...)
}

// customerCols are a customer's user columns and order figures, over users
// aliased u; the figures are correlated subqueries on the
// orders_user_id_created_at and payments_order_id indexes.
const customerCols = `u.id, u.email, u.name, u.role, u.created_at, u.updated_at,
	(SELECT COUNT(*) FROM orders o WHERE o.user_id = u.id),
	(SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM payments p JOIN orders o ON o.id = p.order_id
		WHERE o.user_id = u.id AND p.approved_at IS NOT NULL),
	(SELECT CAST(COALESCE(SUM(p.amount - p.balance_amount), 0) AS BIGINT) FROM payments p JOIN orders o ON o.id = p.order_id
		WHERE o.user_id = u.id AND p.approved_at IS NOT NULL),
	(SELECT MAX(o.created_at) FROM orders o WHERE o.user_id = u.id) AS last_order_at,
	COALESCE((SELECT o.shipping_phone FROM orders o WHERE o.user_id = u.id ORDER BY o.created_at DESC, o.id DESC LIMIT 1), '')`

func scanCustomer(r Rows) (*paydeck.Customer, error) {
	c := &paydeck.Customer{}
	err := r.Scan(scanText(&c.ID), &c.Email, &c.Name, &c.Role, scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt),
		&c.Orders, &c.PaidAmount, &c.RefundedAmount, scanNullTime(&c.LastOrderAt), &c.Phone)
	return c, err
}

// FindCustomers implements paydeck.Tx.
func (tx *Tx) FindCustomers(ctx context.Context, f paydeck.CustomerFilter) ([]*paydeck.Customer, int, error) {
	w := &where{}
	w.add("u.role = ?", string(paydeck.RoleCustomer))
	if f.ID != nil {
		if !paydeck.ValidUUID(*f.ID) {
			return []*paydeck.Customer{}, 0, nil
		}
		w.add("u.id = ?", *f.ID)
	}
	if f.Search != nil {
		if cond, args := orderSearch(*f.Search); cond != "" {
			ucond, uargs := userSearch("u", *f.Search)
			w.add("("+ucond+" OR EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND ("+cond+")))",
				append(uargs, args...)...)
		}
	}
	return list(ctx, tx, customerCols, "FROM users u", w, "last_order_at DESC NULLS LAST, u.created_at DESC, u.id DESC",
		f.Offset, f.Limit, scanCustomer)
}
