package toss

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"
)

// TransactionService lists transactions. Get it from Client.Transactions.
type TransactionService struct{ b *backend }

// Transaction is one approval or cancel transaction (GET /v1/transactions).
type Transaction struct {
	MID            string        `json:"mId"`
	TransactionKey string        `json:"transactionKey"`
	PaymentKey     string        `json:"paymentKey"`
	OrderID        string        `json:"orderId"`
	Method         Method        `json:"method"`
	CustomerKey    string        `json:"customerKey"`
	UseEscrow      bool          `json:"useEscrow"`
	ReceiptURL     string        `json:"receiptUrl"`
	Status         PaymentStatus `json:"status"`
	TransactionAt  time.Time     `json:"transactionAt"`
	Currency       string        `json:"currency"`
	Amount         Amount        `json:"amount"`
}

// UnmarshalJSON decodes a Transaction, parsing Toss timestamps tolerantly.
func (t *Transaction) UnmarshalJSON(b []byte) error {
	type plain Transaction
	aux := struct {
		*plain
		TransactionAt jsonTime `json:"transactionAt"`
	}{plain: (*plain)(t)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	t.TransactionAt = aux.TransactionAt.t
	return nil
}

// TransactionListParams selects transactions whose transactionAt lies in
// [StartDate, EndDate] (sent as Korea time). StartingAfter resumes after a
// transactionKey; Limit is the page size (Toss default 100, max 5000).
type TransactionListParams struct {
	StartDate     time.Time
	EndDate       time.Time
	StartingAfter string
	Limit         int
}

// List iterates over transactions (GET /v1/transactions), fetching pages
// lazily: each next page starts after the last transactionKey received, and
// iteration ends after a page shorter than the limit. An error (including
// ErrInvalidParams for nil params or a zero date) is yielded once and ends
// the iteration.
func (s *TransactionService) List(ctx context.Context, p *TransactionListParams) iter.Seq2[Transaction, error] {
	if p == nil || p.StartDate.IsZero() || p.EndDate.IsZero() {
		return paginate(ctx, func() pager[Transaction] {
			return failingPager[Transaction](fmt.Errorf("%w: TransactionListParams needs StartDate and EndDate", ErrInvalidParams))
		})
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 100
	}
	return paginate(ctx, func() pager[Transaction] {
		after := p.StartingAfter
		return func(ctx context.Context) ([]Transaction, bool, error) {
			q := url.Values{
				"startDate": {formatLocal(p.StartDate)},
				"endDate":   {formatLocal(p.EndDate)},
				"limit":     {strconv.Itoa(limit)},
			}
			if after != "" {
				q.Set("startingAfter", after)
			}
			var page []Transaction
			if err := getList(ctx, s.b, "/v1/transactions", q, &page); err != nil {
				return nil, false, err
			}
			if len(page) > 0 {
				after = page[len(page)-1].TransactionKey
			}
			return page, len(page) >= limit, nil
		}
	})
}

// failingPager returns a pager that reports err.
func failingPager[T any](err error) pager[T] {
	return func(context.Context) ([]T, bool, error) { return nil, false, err }
}
