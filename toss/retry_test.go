package toss_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

// failThen answers the first n requests with status/body, then with ok.
func failThen(n int, status int, body []byte, ok []byte) responder {
	return func(i int, w http.ResponseWriter, _ *http.Request) {
		if i < n {
			writeJSON(w, status, body)
			return
		}
		writeJSON(w, http.StatusOK, ok)
	}
}

// hangUp closes the connection without an HTTP response.
func hangUp(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	require.NoError(t, err)
	require.NoError(t, conn.Close())
}

func confirmParams(key string) *toss.ConfirmParams {
	return &toss.ConfirmParams{PaymentKey: "pk_1", OrderID: "order-0001", Amount: 15000, Params: toss.Params{IdempotencyKey: key}}
}

func TestRetryTemporaryErrorsWithSameKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   []byte
	}{
		{"409 idempotent request processing", http.StatusConflict, tossError(toss.CodeIdempotentRequestProcessing, "processing")},
		{"429 without body", http.StatusTooManyRequests, nil},
		{"500 internal", http.StatusInternalServerError, tossError(toss.CodeFailedInternalSystemProcess, "tmp")},
		{"502 without body", http.StatusBadGateway, []byte("<html>bad gateway</html>")},
		{"400 provider error", http.StatusBadRequest, tossError(toss.CodeProviderError, "try again")},
		{"403 consecutive request", http.StatusForbidden, tossError(toss.CodeForbiddenConsecutiveRequest, "slow down")},
		{"500 card company", http.StatusInternalServerError, tossError(toss.CodeFailedCardCompanyResponse, "tmp")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tb := setup(t, failThen(2, tc.status, tc.body, fixture(t, "payment_card_done.json")))

			p, err := tb.client.Payments.Confirm(t.Context(), confirmParams(""))
			require.NoError(t, err)
			require.Equal(t, toss.StatusDone, p.Status)
			reqs := tb.requests()
			require.Len(t, reqs, 3)
			key := reqs[0].Header.Get("Idempotency-Key")
			require.NotEmpty(t, key)
			for _, r := range reqs {
				require.Equal(t, key, r.Header.Get("Idempotency-Key"), "every retry reuses the call's key")
				requireJSONEqual(t, string(reqs[0].Body), r.Body)
			}
			require.Equal(t, 2, strings.Count(tb.logs.String(), "toss: retrying request"))
		})
	}
}

func TestRetryTransportError(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			hangUp(t, w)
			return
		}
		writeJSON(w, http.StatusOK, fixture(t, "payment_card_done.json"))
	})

	_, err := tb.client.Payments.Cancel(t.Context(), "pk_1", &toss.CancelParams{CancelReason: "x", Params: toss.Params{IdempotencyKey: "cancel:pk_1:r1"}})
	require.NoError(t, err)
	reqs := tb.requests()
	require.Len(t, reqs, 2)
	require.Equal(t, "cancel:pk_1:r1", reqs[1].Header.Get("Idempotency-Key"))
	require.Contains(t, tb.logs.String(), `"reason":"transport error: EOF"`)
}

func TestRetryAttemptTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	tb := setup(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 0 {
			select { // outlive the client's attempt timeout
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		writeJSON(w, http.StatusOK, fixture(t, "payment_card_done.json"))
	}, toss.WithTimeout(50*time.Millisecond))

	_, err := tb.client.Payments.Get(t.Context(), "pk_1")
	require.NoError(t, err)
	require.Len(t, tb.requests(), 2)
	require.Contains(t, tb.logs.String(), "context deadline exceeded")
}

func TestNoRetryForPermanentOrUnknownOutcome(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code           toss.ErrorCode
		status         int
		outcomeUnknown bool
	}{
		{toss.CodeInvalidRequest, http.StatusBadRequest, false},
		{toss.CodeUnauthorizedKey, http.StatusUnauthorized, false},
		{toss.CodeRejectCardCompany, http.StatusForbidden, false},
		{toss.CodeNotFoundPaymentSession, http.StatusNotFound, false},
		{toss.CodeAlreadyProcessedPayment, http.StatusBadRequest, true},
		{toss.CodeFailedPaymentInternalProcess, http.StatusInternalServerError, true},
		{toss.CodeUnknownPaymentError, http.StatusInternalServerError, true},
	}
	for _, tc := range cases {
		t.Run(string(tc.code), func(t *testing.T) {
			t.Parallel()
			tb := setup(t, replyJSON(tc.status, tossError(tc.code, "msg")))

			_, err := tb.client.Payments.Confirm(t.Context(), confirmParams("confirm:order-0001"))
			e, ok := errors.AsType[*toss.Error](err)
			require.True(t, ok)
			require.Equal(t, tc.code, e.Code)
			require.Equal(t, tc.status, e.HTTPStatus)
			require.False(t, e.Retryable())
			require.Equal(t, tc.outcomeUnknown, toss.OutcomeUnknown(err))
			require.Len(t, tb.requests(), 1)
			require.Contains(t, tb.logs.String(), "permanent error")
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusServiceUnavailable, tossError(toss.CodeCommonError, "down")), toss.WithMaxRetries(2))

	_, err := tb.client.Payments.Confirm(t.Context(), confirmParams("k1"))
	e, ok := errors.AsType[*toss.Error](err)
	require.True(t, ok)
	require.True(t, e.Retryable())
	require.True(t, toss.OutcomeUnknown(err))
	require.Len(t, tb.requests(), 3)
	require.Contains(t, tb.logs.String(), "retries exhausted after temporary error 503 COMMON_ERROR")
}

func TestMaxRetriesZero(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusInternalServerError, nil), toss.WithMaxRetries(0))
	_, err := tb.client.Payments.Get(t.Context(), "pk")
	require.Error(t, err)
	require.Len(t, tb.requests(), 1)
}

func TestNoRetryAfterContextDone(t *testing.T) {
	t.Parallel()
	cx, cancel := context.WithCancel(t.Context())
	var calls atomic.Int32
	tb := setup(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		cancel() // the caller gives up while the first attempt is answered
		writeJSON(w, http.StatusConflict, tossError(toss.CodeIdempotentRequestProcessing, "processing"))
	}, toss.WithBackoff(time.Hour, time.Hour))

	start := time.Now()
	_, err := tb.client.Payments.Confirm(cx, confirmParams("k"))
	require.Error(t, err)
	require.Less(t, time.Since(start), 5*time.Second, "does not sit out the backoff")
	require.Equal(t, int32(1), calls.Load())
	require.True(t, toss.IsCode(err, toss.CodeIdempotentRequestProcessing) || errors.Is(err, context.Canceled))
}

func TestCanceledWhileWaitingToRetry(t *testing.T) {
	t.Parallel()
	cx, cancel := context.WithCancel(t.Context())
	// The caller gives up once the client has said it waits to retry: a
	// timer could fire before the first answer on a loaded machine.
	logs := &syncBuffer{}
	logger := slog.New(cancelOnRetry{slog.NewJSONHandler(logs, nil), cancel})
	tb := setup(t, replyJSON(http.StatusTooManyRequests, nil), toss.WithBackoff(time.Hour, time.Hour), toss.WithLogger(logger))

	_, err := tb.client.Payments.Get(cx, "pk")
	require.ErrorIs(t, err, context.Canceled)
	e, ok := errors.AsType[*toss.Error](err)
	require.True(t, ok, "the last Toss error is kept")
	require.Equal(t, http.StatusTooManyRequests, e.HTTPStatus)
	require.Len(t, tb.requests(), 1)
	require.Contains(t, logs.String(), "context done while waiting to retry")
}

// cancelOnRetry logs through its handler and calls cancel when the client
// logs that it will retry.
type cancelOnRetry struct {
	slog.Handler
	cancel context.CancelFunc
}

func (h cancelOnRetry) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Message == "toss: retrying request" {
		h.cancel()
	}
	return err
}

func (h cancelOnRetry) WithAttrs(attrs []slog.Attr) slog.Handler {
	return cancelOnRetry{h.Handler.WithAttrs(attrs), h.cancel}
}

func (h cancelOnRetry) WithGroup(name string) slog.Handler {
	return cancelOnRetry{h.Handler.WithGroup(name), h.cancel}
}

func TestRetryAfterHeader(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "7")
			writeJSON(w, http.StatusTooManyRequests, nil)
			return
		}
		writeJSON(w, http.StatusOK, fixture(t, "payment_card_done.json"))
	}, toss.WithBackoff(0, 20*time.Millisecond))

	_, err := tb.client.Payments.Get(t.Context(), "pk")
	require.NoError(t, err)
	require.Contains(t, tb.logs.String(), `"delay":20000000`, "Retry-After is capped at the maximum backoff")
}

func TestGeneratedIdempotencyKeys(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_card_done.json")))

	// Two different operations never share a generated key.
	_, err := tb.client.Payments.Confirm(t.Context(), confirmParams(""))
	require.NoError(t, err)
	_, err = tb.client.Payments.Confirm(t.Context(), &toss.ConfirmParams{PaymentKey: "pk_2", OrderID: "order-0002", Amount: 1000})
	require.NoError(t, err)
	reqs := tb.requests()
	k1, k2 := reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key")
	require.Regexp(t, `^pd_[0-9a-f]{32}$`, k1)
	require.NotEqual(t, k1, k2)
}

func TestIdempotencyKeyFunc(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	tb := setup(t, failThen(1, http.StatusInternalServerError, nil, fixture(t, "payment_card_done.json")),
		toss.WithIdempotencyKeyFunc(func() string { return "gen-" + string(rune('a'+n.Add(1)-1)) }))

	_, err := tb.client.Payments.Confirm(t.Context(), confirmParams(""))
	require.NoError(t, err)
	reqs := tb.requests()
	require.Len(t, reqs, 2)
	require.Equal(t, "gen-a", reqs[0].Header.Get("Idempotency-Key"))
	require.Equal(t, "gen-a", reqs[1].Header.Get("Idempotency-Key"), "generated once per call")
	require.Equal(t, int32(1), n.Load())
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	var seen sync.Map
	tb := setup(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if _, again := seen.LoadOrStore(r.Header.Get("Idempotency-Key"), true); !again {
			writeJSON(w, http.StatusConflict, tossError(toss.CodeIdempotentRequestProcessing, "busy"))
			return
		}
		writeJSON(w, http.StatusOK, fixture(t, "payment_card_done.json"))
	})
	errs := make(chan error, 20)
	for range 20 {
		go func() {
			_, err := tb.client.Payments.Confirm(t.Context(), confirmParams(""))
			errs <- err
		}()
	}
	for range 20 {
		require.NoError(t, <-errs)
	}
	byKey := map[string]int{}
	for _, r := range tb.requests() {
		byKey[r.Header.Get("Idempotency-Key")]++
	}
	require.Len(t, byKey, 20, "one key per call, shared only by that call's retries")
	for key, n := range byKey {
		require.Equal(t, 2, n, key)
	}
}

func TestTransportErrorAfterRetries(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(_ int, w http.ResponseWriter, _ *http.Request) { hangUp(t, w) }, toss.WithMaxRetries(1))

	_, err := tb.client.Billing.Charge(t.Context(), testBillingKey, &toss.BillingChargeParams{Amount: 1000, CustomerKey: "c", OrderID: "o-000001", OrderName: "n"})
	te, ok := errors.AsType[*toss.TransportError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, http.MethodPost, te.Method)
	require.Equal(t, "/v1/billing/{billingKey}", te.Route)
	require.ErrorIs(t, err, io.EOF)
	require.True(t, toss.OutcomeUnknown(err))
	require.False(t, toss.IsCode(err, ""))
	require.Len(t, tb.requests(), 2)
	require.Contains(t, tb.logs.String(), "retries exhausted after transport error")
}

func TestUndecodableSuccessIsNotRetried(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, []byte(`<html>maintenance</html>`)))

	_, err := tb.client.Payments.Get(t.Context(), "pk")
	require.ErrorContains(t, err, "toss: GET /v1/payments/{paymentKey}: decode response")
	_, isTossErr := errors.AsType[*toss.Error](err)
	require.False(t, isTossErr)
	_, isDecodeErr := errors.AsType[*toss.DecodeError](err)
	require.True(t, isDecodeErr)
	// Toss processed the request; only its answer is lost (issue 11, defect 3).
	require.True(t, toss.OutcomeUnknown(err))
	require.Len(t, tb.requests(), 1)
}

func TestVersion2ErrorBody(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusBadRequest,
		[]byte(`{"version":"2022-11-16","traceId":"t-9","error":{"code":"INVALID_REQUEST","message":"bad"}}`)))

	_, err := tb.client.Payments.Get(t.Context(), "pk")
	e, ok := errors.AsType[*toss.Error](err)
	require.True(t, ok)
	require.Equal(t, toss.CodeInvalidRequest, e.Code)
	require.Equal(t, "bad", e.Message)
}
