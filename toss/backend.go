package toss

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxResponseBytes caps how much of a response body is read.
const maxResponseBytes = 16 << 20

// ErrInvalidParams is wrapped by errors for calls rejected before sending:
// nil params, an empty path identifier, an over-long idempotency key, or a
// list without its required dates.
var ErrInvalidParams = errors.New("toss: invalid params")

// backend sends requests: auth, idempotency, retries and logging live here
// and nowhere else. It is immutable after init.
type backend struct {
	rawBaseURL string
	http       *http.Client
	log        *slog.Logger
	maxRetries int
	timeout    time.Duration
	minBackoff time.Duration
	maxBackoff time.Duration
	newKey     func() string
	sleep      func(ctx context.Context, d time.Duration) error
	jitter     func(n int64) int64 // uniform in [0, n); nil means math/rand/v2

	baseURL *url.URL
	// auth returns the Authorization header. It is a func so that fmt, which
	// prints funcs as addresses, can never print the credential.
	auth func() string
	// credentials returns the secret key and its encodings, cut out of error
	// text like request secrets (a func for the same reason as auth).
	credentials func() []string
	setupErr    error // reported by every call when the configuration is unusable
}

func (b *backend) init(secretKey string) {
	encoded := base64.StdEncoding.EncodeToString([]byte(secretKey + ":"))
	header := "Basic " + encoded
	b.auth = func() string { return header }
	b.credentials = func() []string { return []string{secretKey, encoded} }
	u, err := url.Parse(b.rawBaseURL)
	switch {
	case secretKey == "":
		b.setupErr = errors.New("toss: empty secret key")
	case err != nil || u.Scheme == "" || u.Host == "":
		b.setupErr = fmt.Errorf("toss: base URL %q is not an absolute URL", b.rawBaseURL)
	}
	if u == nil {
		u = &url.URL{}
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	b.baseURL = u
	if b.http == nil {
		b.http = &http.Client{}
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.newKey == nil {
		b.newKey = randomKey
	}
}

// request describes one API call.
type request struct {
	method string
	route  string     // path template for logs and errors, e.g. /v1/billing/{billingKey}
	path   string     // escaped path, e.g. /v1/billing/abc%2Bdef%3D
	query  url.Values // GET query
	body   any        // JSON body (POST), nil for none
	params *Params    // per-call options, may be nil
	slow   bool       // Toss documents up to 60 s: double the timeout
	// secrets are request values (billing key, card number) that are cut
	// out of any text an error carries, should the server echo them.
	secrets []string
}

// redact removes the request's secrets and long digit runs from s.
func (r request) redact(s string) string {
	for _, secret := range r.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return maskDigits(s)
}

// call sends req, retrying where safe, and decodes a 2xx body into out
// (skipped when out is nil or the body is empty).
func (b *backend) call(ctx context.Context, req request, out any) error {
	if b.setupErr != nil {
		return b.setupErr
	}
	var body []byte
	if req.body != nil {
		var err error
		if body, err = json.Marshal(req.body); err != nil {
			return fmt.Errorf("toss: %s %s: encode body: %w", req.method, req.route, redactedError{req.redact(err.Error()), err})
		}
	}
	req.secrets = append(req.secrets, b.credentials()...)
	params := req.params
	if params == nil {
		params = &Params{}
	}
	key := ""
	if req.method == http.MethodPost {
		key = params.IdempotencyKey
		if key == "" {
			key = b.newKey()
		}
		if len(key) > MaxIdempotencyKeyLen {
			return fmt.Errorf("%w: idempotency key of %d bytes exceeds %d", ErrInvalidParams, len(key), MaxIdempotencyKeyLen)
		}
	}
	log := b.log.With(slog.String("method", req.method), slog.String("route", req.route))
	for attempt := 0; ; attempt++ {
		resp, err := b.attempt(ctx, req, body, key, params.TestCode)
		if err == nil {
			log.DebugContext(ctx, "toss: request succeeded", slog.Int("attempt", attempt+1), slog.Int("status", resp.status))
			return decodeBody(req, resp.body, out)
		}
		retry, reason := b.shouldRetry(ctx, err)
		if !retry || attempt >= b.maxRetries {
			if retry {
				reason = "retries exhausted after " + reason
			}
			log.WarnContext(ctx, "toss: request failed", slog.Int("attempt", attempt+1), slog.String("reason", reason))
			return err
		}
		delay := b.backoff(attempt, err)
		log.InfoContext(ctx, "toss: retrying request", slog.Int("attempt", attempt+1),
			slog.String("reason", reason), slog.Duration("delay", delay))
		if serr := b.sleep(ctx, delay); serr != nil {
			log.WarnContext(ctx, "toss: request abandoned", slog.String("reason", "context done while waiting to retry"))
			return fmt.Errorf("%w (abandoned retry: %w)", err, serr)
		}
	}
}

// response is a non-error (2xx) HTTP response.
type response struct {
	status int
	body   []byte
}

// attempt performs one HTTP exchange. Non-2xx responses become *Error and
// network failures *TransportError.
func (b *backend) attempt(ctx context.Context, req request, body []byte, key string, testCode ErrorCode) (response, error) {
	timeout := b.timeout
	if req.slow {
		timeout *= 2
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	u := *b.baseURL
	u.Path = b.baseURL.Path + unescapedPath(req.path)
	u.RawPath = b.baseURL.EscapedPath() + req.path
	u.RawQuery = req.query.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, u.String(), rd)
	if err != nil {
		return response{}, fmt.Errorf("toss: %s %s: build request: %w", req.method, req.route, redactURLError(err))
	}
	hreq.Header.Set("Authorization", b.auth())
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", "paydeck-toss-go")
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		hreq.Header.Set("Idempotency-Key", key)
	}
	if testCode != "" {
		hreq.Header.Set("TossPayments-Test-Code", string(testCode))
	}
	hresp, err := b.http.Do(hreq)
	if err != nil {
		return response{}, &TransportError{Method: req.method, Route: req.route, Err: redactURLError(err)}
	}
	defer hresp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hresp.Body, maxResponseBytes))
	if err != nil {
		return response{}, &TransportError{Method: req.method, Route: req.route, Err: fmt.Errorf("read body: %w", err)}
	}
	if hresp.StatusCode >= 200 && hresp.StatusCode < 300 {
		return response{status: hresp.StatusCode, body: data}, nil
	}
	return response{}, newError(req, hresp, data)
}

// unescapedPath decodes an escaped path so url.URL keeps Path and RawPath
// consistent (RawPath is what goes on the wire).
func unescapedPath(p string) string {
	if s, err := url.PathUnescape(p); err == nil {
		return s
	}
	return p
}

// redactURLError drops the URL (which may contain identifiers) from a
// *url.Error and keeps its cause.
func redactURLError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// newError builds the *Error for a non-2xx response. It understands the core
// {"code","message"} body and the resource-style {"error":{...}} body.
func newError(req request, hresp *http.Response, data []byte) *Error {
	e := &Error{
		HTTPStatus: hresp.StatusCode,
		TraceID:    hresp.Header.Get("X-TossPayments-Trace-Id"),
		Method:     req.method,
		Route:      req.route,
	}
	var body struct {
		Code    ErrorCode `json:"code"`
		Message string    `json:"message"`
		Error   *struct {
			Code    ErrorCode `json:"code"`
			Message string    `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &body) == nil {
		e.Code, e.Message = body.Code, req.redact(body.Message)
		if e.Code == "" && body.Error != nil {
			e.Code, e.Message = body.Error.Code, req.redact(body.Error.Message)
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(hresp.StatusCode)
	}
	if secs, err := strconv.Atoi(hresp.Header.Get("Retry-After")); err == nil && secs > 0 {
		e.RetryAfter = time.Duration(secs) * time.Second
	}
	return e
}

// shouldRetry classifies a failed attempt and says why, for the log.
func (b *backend) shouldRetry(ctx context.Context, err error) (bool, string) {
	if ctx.Err() != nil {
		return false, "context done: " + ctx.Err().Error()
	}
	if te, ok := errors.AsType[*TransportError](err); ok {
		return true, "transport error: " + te.Err.Error()
	}
	e, ok := errors.AsType[*Error](err)
	if !ok {
		return false, err.Error()
	}
	desc := strconv.Itoa(e.HTTPStatus) + " " + string(e.Code)
	if e.Retryable() {
		return true, "temporary error " + desc
	}
	return false, "permanent error " + desc
}

// backoff returns the delay before retry number attempt+1: equal jitter over
// an exponentially growing, capped window; a 429's Retry-After (seconds) is
// used instead when present, capped at maxBackoff.
func (b *backend) backoff(attempt int, err error) time.Duration {
	if e, ok := errors.AsType[*Error](err); ok && e.RetryAfter > 0 {
		return min(e.RetryAfter, b.maxBackoff)
	}
	d := b.minBackoff << min(attempt, 30)
	if d <= 0 || d > b.maxBackoff {
		d = b.maxBackoff
	}
	if d <= 0 {
		return 0
	}
	half := int64(d / 2)
	jitter := rand.Int64N
	if b.jitter != nil {
		jitter = b.jitter
	}
	return time.Duration(half + jitter(int64(d)-half+1))
}

// decodeBody decodes a 2xx body into out; a body that does not decode is a
// *DecodeError (the request was processed: its outcome is unknown).
func decodeBody(req request, data []byte, out any) error {
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &DecodeError{Method: req.method, Route: req.route, Err: redactedError{req.redact(err.Error()), err}}
	}
	return nil
}

// redactedError shows a redacted message but keeps the original error in
// the chain for errors.Is / errors.As.
type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }

func (e redactedError) Unwrap() error { return e.err }

// GoString keeps %#v from printing the original error's text.
func (e redactedError) GoString() string { return "toss.redactedError{" + e.msg + "}" }

// sleepCtx waits for d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
