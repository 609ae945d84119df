package toss

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Amount is a sum of money in whole units of the payment's currency. For KRW,
// the only currency paydeck sells in, that is won: KRW has no minor unit.
//
// Toss sends amounts as JSON numbers (since API 1.4 they may carry decimals for
// foreign currencies). Amount decodes tolerantly: 1000, 1000.0, 1e3 and the
// quoted forms "1000" and "1000.0" all decode to 1000, and null decodes to 0.
// A value with a non-zero fraction (a foreign-currency amount such as 10.50 USD)
// is never rounded: decoding fails with an error wrapping ErrFractionalAmount,
// so money is never silently changed. Amount encodes as a JSON integer.
type Amount int64

// ErrFractionalAmount is wrapped by the error returned when a JSON amount has a
// non-zero fractional part (a foreign-currency amount) or does not fit in int64.
var ErrFractionalAmount = errors.New("toss: amount is not a whole number that fits int64")

// UnmarshalJSON implements json.Unmarshaler with the tolerant rules documented
// on Amount.
func (a *Amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	v, err := parseWholeNumber(string(b))
	if err != nil {
		return err
	}
	*a = Amount(v)
	return nil
}

// parseWholeNumber parses a JSON number literal exactly and returns it when it
// is a whole number within int64. Exponents are limited to ±40 so that a
// hostile literal such as 1e999999999 cannot make the exact parse expensive.
func parseWholeNumber(s string) (int64, error) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	if !json.Valid([]byte(s)) || len(s) == 0 || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return 0, fmt.Errorf("toss: amount %.40q is not a JSON number", maskDigits(s))
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || exp > 40 || exp < -40 {
			return 0, fmt.Errorf("toss: amount %.40s: %w", maskDigits(s), ErrFractionalAmount)
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("toss: amount %.40s: %w", maskDigits(s), ErrFractionalAmount)
	}
	return r.Num().Int64(), nil
}

// Ptr returns a pointer to v. It fills optional (pointer) fields of params,
// for example CancelParams.CancelAmount: toss.Ptr(toss.Amount(5000)).
func Ptr[T any](v T) *T { return &v }
