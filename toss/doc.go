// Package toss is a typed client for the Toss Payments (토스페이먼츠) core API:
// payments (confirm, get, cancel, key-in), virtual accounts, auto-pay billing,
// transactions, settlements and cash receipts, plus webhook parsing and
// verification. It imports only the standard library.
//
// # Calling the API
//
//	c := toss.NewClient(secretKey, toss.WithLogger(logger))
//	p, err := c.Payments.Confirm(ctx, &toss.ConfirmParams{
//		PaymentKey: paymentKey, OrderID: orderID, Amount: 15000,
//		Params: toss.Params{IdempotencyKey: "confirm:" + orderID},
//	})
//
// Every call takes a context and has a per-attempt timeout (30 s by default;
// billing charges and lists get twice that). Requests authenticate with HTTP
// Basic "secretKey:" as Toss requires. Path identifiers are percent-encoded
// (billing keys contain '+', '/' and '='). Lists return iter.Seq2 iterators
// that fetch pages as the caller ranges.
//
// # Idempotency and retries
//
// Every POST carries an Idempotency-Key: the one in Params, or one generated
// per call. Every retry of that call sends the same key, so Toss executes the
// operation at most once. Toss matches a repeat on key, secret key, URL and
// method but not on the body, so a key must never be reused for a different
// operation (see Params).
//
// Failed attempts are retried, with capped, jittered exponential backoff
// (WithBackoff, WithMaxRetries), only where that is safe: transport errors,
// HTTP 429 (honouring Retry-After), 409 IDEMPOTENT_REQUEST_PROCESSING, 5xx,
// and the codes Toss marks as temporary (PROVIDER_ERROR,
// FORBIDDEN_CONSECUTIVE_REQUEST, ...). 5xx codes that leave the outcome
// unknown (FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING, UNKNOWN_PAYMENT_ERROR)
// are returned at once so the caller re-reads the payment (OutcomeUnknown).
// No retry starts once the context is done. Each decision is logged through
// the injected *slog.Logger with its reason.
//
// # Errors
//
// A Toss error response becomes *Error (HTTP status, Code, Message, trace id,
// Retryable); a request without response becomes *TransportError; calls
// rejected before sending wrap ErrInvalidParams. Branch on ErrorCode
// constants with errors.As or IsCode, never on messages. Errors, logs and
// String output never contain the secret key, card numbers or billing keys:
// requests are named by their route template, BillingKey and the card
// params redact themselves, and long digit runs in Toss messages are masked.
//
// # Money, time and enums
//
// Amounts are Amount, an int64 of whole currency units (won for KRW). Toss
// sends JSON numbers; 1000 and 1000.0 both decode, a fractional
// (foreign-currency) amount fails with ErrFractionalAmount rather than being
// rounded. Timestamps are time.Time (nullable ones *time.Time); values Toss
// sends without an offset are Korea time (KST). Enums are string types with
// the Korean values as constants; English renderings (Accept-Language en-US)
// decode to the same constants and unknown values are kept as they are.
// Unknown JSON fields are ignored.
//
// # Webhooks
//
// ParseWebhook turns a webhook body into a typed event. Payment events are
// not signed: verify a DepositCallback with VerifyDepositCallback (or
// Payments.RefetchDeposit) and act on a PaymentStatusChanged only through
// Payments.Refetch. Payout and seller events are HMAC-signed; check them
// with VerifyWebhookSignature.
package toss
