package toss

// MaxIdempotencyKeyLen is the longest Idempotency-Key Toss accepts.
const MaxIdempotencyKeyLen = 300

// Params are the per-call request options embedded in every XxxParams type.
//
// IdempotencyKey is sent as the Idempotency-Key header on POST calls. When
// empty, the client generates one per call and reuses it on every retry of
// that call. Toss treats a request as a repeat when key, secret key, URL and
// method match — it does NOT compare the body, and for 15 days it replays
// the first response. So a key must name exactly one logical operation and
// must never be reused for a different one (another order, another amount,
// another partial cancel): derive it from the operation, for example
// "confirm:<orderId>" or "cancel:<paymentKey>:<refundId>". Reusing it for the
// same operation (after a crash or timeout) is the point: the replay is safe.
// Keys longer than MaxIdempotencyKeyLen are rejected before sending.
//
// TestCode sets the TossPayments-Test-Code header, which makes Toss (with a
// test key only) answer with that error code.
type Params struct {
	IdempotencyKey string    `json:"-"`
	TestCode       ErrorCode `json:"-"`
}
