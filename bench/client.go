package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// maxBody bounds how much of a response the tool reads.
const maxBody = 1 << 20

// httpError is a non-2xx answer: the step, the status and, when the body
// carries one, Toss's error code or the problem title.
type httpError struct {
	Step   string
	Status int
	Code   string
}

func (e *httpError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("%s: HTTP %d", e.Step, e.Status)
	}
	return fmt.Sprintf("%s: HTTP %d %s", e.Step, e.Status, e.Code)
}

// key is the error-count key of the report.
func (e *httpError) key() string {
	if e.Code == "" {
		return e.Step + " " + strconv.Itoa(e.Status)
	}
	return e.Step + " " + strconv.Itoa(e.Status) + " " + e.Code
}

// errKey is the error-count key of any error of a step.
func errKey(step string, err error) string {
	if he, ok := err.(*httpError); ok {
		return he.key()
	}
	return step + " transport"
}

// call is one JSON request.
type call struct {
	Method, URL string
	Bearer      string // paydeck token
	BasicUser   string // sandbox secret key
	Control     string // sandbox control token
	Body        any
	Accept      string
}

// do sends c and decodes a 2xx JSON answer into out (when not nil). It
// returns the HTTP status; a non-2xx answer is an *httpError.
func do(ctx context.Context, hc *http.Client, step string, c call, out any) (int, error) {
	var body io.Reader
	if c.Body != nil {
		b, err := json.Marshal(c.Body)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.Method, c.URL, body)
	if err != nil {
		return 0, err
	}
	if c.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "paydeck-bench")
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	if c.Control != "" {
		req.Header.Set(sandbox.ControlTokenHeader, c.Control)
	}
	if c.BasicUser != "" {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.BasicUser+":")))
	}
	res, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", step, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return res.StatusCode, fmt.Errorf("%s: read body: %w", step, err)
	}
	if res.StatusCode/100 != 2 {
		var e struct {
			Code  string `json:"code"`
			Title string `json:"title"`
		}
		_ = json.Unmarshal(raw, &e)
		he := &httpError{Step: step, Status: res.StatusCode, Code: e.Code}
		if res.StatusCode == http.StatusTooManyRequests {
			he.Code = res.Header.Get("Retry-After")
		}
		return res.StatusCode, he
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s: decode answer: %w", step, err)
		}
	}
	return res.StatusCode, nil
}

// retryAfter is how long a 429 asks the caller to wait (at least a second).
func retryAfter(err error) (time.Duration, bool) {
	he, ok := err.(*httpError)
	if !ok || he.Status != http.StatusTooManyRequests {
		return 0, false
	}
	n, _ := strconv.Atoi(he.Code)
	return time.Duration(max(n, 1)) * time.Second, true
}
