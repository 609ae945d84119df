package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/toss/sandbox"
	"github.com/paydeck/paydeck/webhook"
)

// The developer commands listen, trigger and events talk to a running
// paydeck over its REST API with an API key (PAYDECK_API_KEY), like any
// other system would; they open no database.
//
// listen long-polls the event feed (GET /api/admin/events?waitSeconds=25)
// rather than registering a temporary webhook endpoint: a laptop has no
// public URL for paydeck to call, and a feed leaves nothing behind when the
// developer stops. Each event is forwarded with its exact body, signed per
// Standard Webhooks with a secret of the session (printed at start, or
// fixed with --secret), so the receiver's verification code is the one it
// uses in production with the endpoint's secret.

// defaultAPIURL is where the developer commands find paydeck by default.
const defaultAPIURL = "http://127.0.0.1:8080"

func apiFlags(fs *flag.FlagSet, f *commandFlags) {
	fs.StringVar(&f.apiURL, "api", "", "paydeck's base `URL` (default $PAYDECK_API_URL, else "+defaultAPIURL+")")
}

func listenCommand() *command {
	return &command{name: "listen", summary: "forward this paydeck's events to a local URL, signed (like stripe listen)",
		help: "listen follows paydeck's event feed with an API key (PAYDECK_API_KEY, scope orders:read) and\n" +
			"POSTs each new event to --forward-to, signed per Standard Webhooks with the session's secret,\n" +
			"printing each with the receiver's answer. No public URL is needed. Events appear about 2 s\n" +
			"after they happen; stop with Ctrl-C.",
		flags: func(fs *flag.FlagSet, f *commandFlags) {
			apiFlags(fs, f)
			fs.StringVar(&f.forwardTo, "forward-to", "", "local `URL` that receives the events (required)")
			fs.StringVar(&f.events, "events", "", "comma-separated event `types` (default all)")
			fs.StringVar(&f.listenSecret, "secret", "", "whsec_ `secret` to sign with (default a new one, printed)")
		},
		run: (*Main).listen}
}

func triggerCommand() *command {
	return &command{name: "trigger", args: "EVENT_TYPE",
		summary: "make a real event fire in sandbox mode (order.paid, refund.completed, …)",
		help: "trigger drives a sandbox-mode paydeck through the real flow so that the event fires: it\n" +
			"places an order (customerRef \"paydeck-cli\"), pays it in the sandbox's payment window and\n" +
			"confirms it, and refunds or cancels as the type needs. Types: " + strings.Join(triggerTypes(), ", ") + ".\n" +
			"The API key (PAYDECK_API_KEY, pdk_test_…) needs orders:read, orders:write, payments:write, and\n" +
			"refunds:write for refunds; catalogue:write too when the catalogue is empty.",
		flags: apiFlags,
		run:   (*Main).trigger}
}

func eventsCommand() *command {
	return &command{name: "events", args: "resend EVENT_ID",
		summary: "resend a stored event to its endpoints",
		help: "events resend EVT_ID delivers the stored event again (same id and body, new signature) to\n" +
			"every enabled endpoint subscribed to its type. The API key (PAYDECK_API_KEY) needs orders:write.",
		flags: apiFlags,
		run:   (*Main).eventsCmd}
}

// apiClient calls a running paydeck's REST API with an API key.
type apiClient struct {
	base string
	key  string
	http *http.Client
	// sandboxToken is the mounted sandbox's control token (trigger only),
	// read like bench reads it: sandbox-control.token in PAYDECK_DATA_DIR.
	sandboxToken string
}

func (m *Main) newAPIClient() (*apiClient, error) {
	base := m.flags.apiURL
	if base == "" {
		base, _ = m.LookupEnv("PAYDECK_API_URL")
	}
	if base == "" {
		base = defaultAPIURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the API URL %q must be an absolute http(s) URL", base)
	}
	key, _ := m.LookupEnv("PAYDECK_API_KEY")
	if !strings.HasPrefix(key, paydeck.APIKeyPrefix) {
		return nil, errors.New("set PAYDECK_API_KEY to an API key (pdk_…; create one at /admin/api-keys)")
	}
	return &apiClient{base: strings.TrimRight(base, "/"), key: key, http: &http.Client{}}, nil
}

// do sends in as JSON (when not nil) and decodes a 2xx answer into out
// (when not nil); other answers become an error with the problem's detail.
func (c *apiClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("User-Agent", "paydeck-cli")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if res.StatusCode/100 != 2 {
		var p struct {
			Detail string `json:"detail"`
			Errors []struct {
				Message  string `json:"message"`
				Location string `json:"location"`
			} `json:"errors"`
		}
		_ = json.Unmarshal(b, &p)
		msg := p.Detail
		for _, e := range p.Errors {
			msg += "; " + e.Location + ": " + e.Message
		}
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, msg)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// feedEvent is one item of GET /api/admin/events.
type feedEvent struct {
	ID      string    `json:"id"`
	Seq     int64     `json:"seq"`
	Type    string    `json:"type"`
	Created time.Time `json:"created"`
	Payload string    `json:"payload"`
}

func (c *apiClient) feed(ctx context.Context, after int64, types string, limit, wait int) ([]feedEvent, error) {
	q := url.Values{"after": {strconv.FormatInt(after, 10)}, "limit": {strconv.Itoa(limit)},
		"waitSeconds": {strconv.Itoa(wait)}}
	if types != "" {
		q.Set("types", types)
	}
	var page struct {
		Items []feedEvent `json:"items"`
	}
	err := c.do(ctx, http.MethodGet, "/api/admin/events?"+q.Encode(), nil, &page)
	return page.Items, err
}

func (m *Main) listen(ctx context.Context) error {
	f := m.flags
	if u, err := url.Parse(f.forwardTo); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("listen: --forward-to must be an absolute http(s) URL, such as http://localhost:3000/hooks")
	}
	if _, err := outbound.ParseTypes(f.events); err != nil {
		return fmt.Errorf("listen: --events: %s", paydeck.ErrorMessage(err))
	}
	secret := f.listenSecret
	if secret == "" {
		secret = webhook.NewSecret()
	} else if _, err := webhook.DecodeSecret(secret); err != nil {
		return errors.New("listen: --secret must be whsec_ followed by base64")
	}
	c, err := m.newAPIClient()
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// Start after the events that already exist.
	var after int64
	for {
		page, err := c.feed(ctx, after, f.events, 100, 0)
		if err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		if len(page) > 0 {
			after = page[len(page)-1].Seq
		}
		if len(page) < 100 {
			break
		}
	}
	what := "all"
	if f.events != "" {
		what = f.events
	}
	fmt.Fprintf(m.Stdout, "Ready: forwarding %s events from %s to %s (Ctrl-C to stop).\n", what, c.base, f.forwardTo)
	fmt.Fprintf(m.Stdout, "Webhook signing secret of this session: %s\n", secret)
	fwd := &http.Client{Timeout: outbound.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for ctx.Err() == nil {
		page, err := c.feed(ctx, after, f.events, 100, 25)
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			fmt.Fprintf(m.Stderr, "listen: %v (retrying in 2 s)\n", err)
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
			continue
		}
		for _, ev := range page {
			after = ev.Seq
			fmt.Fprintf(m.Stdout, "%s  %-28s %s  %s\n", ev.Created.In(paydeck.KST).Format("2006-01-02 15:04:05"),
				ev.Type, ev.ID, forward(ctx, fwd, f.forwardTo, secret, ev, m.Now()))
		}
	}
	return nil
}

// forward posts the event's payload to target, signed with secret, and
// describes the answer.
func forward(ctx context.Context, c *http.Client, target, secret string, ev feedEvent, now time.Time) string {
	body := []byte(ev.Payload)
	h, err := webhook.Headers(ev.ID, now, body, secret)
	if err != nil {
		return "→ not signed: " + err.Error()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return "→ " + err.Error()
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "paydeck-cli/listen")
	start := time.Now()
	res, err := c.Do(req)
	if err != nil {
		return "→ failed: " + err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, outbound.ResponseCap))
	_ = res.Body.Close()
	return fmt.Sprintf("→ %d %s (%d ms)", res.StatusCode, http.StatusText(res.StatusCode), time.Since(start).Milliseconds())
}

// triggerTypes are the event types trigger can produce.
func triggerTypes() []string {
	return []string{string(paydeck.OutOrderPaid), string(paydeck.OutRefundCompleted), string(paydeck.OutOrderCanceled),
		string(paydeck.OutPaymentWaitingForDeposit)}
}

func (m *Main) trigger(ctx context.Context) error {
	if len(m.flags.args) != 1 || !slices.Contains(triggerTypes(), m.flags.args[0]) {
		return fmt.Errorf("trigger: name one event type: %s", strings.Join(triggerTypes(), ", "))
	}
	typ := paydeck.OutboundEventType(m.flags.args[0])
	c, err := m.newAPIClient()
	if err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	if !strings.HasPrefix(c.key, paydeck.APIKeyPrefix+string(paydeck.APIKeyTest)+"_") {
		return errors.New("trigger: works only against a paydeck in sandbox mode (its keys start with pdk_test_)")
	}
	if c.sandboxToken, err = benchSandboxToken(m, ""); err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	say := func(format string, args ...any) { fmt.Fprintf(m.Stdout, format+"\n", args...) }

	productID, err := c.triggerProduct(ctx)
	if err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	var order struct {
		OrderID     string `json:"orderId"`
		FinalAmount int64  `json:"finalAmount"`
	}
	err = c.do(ctx, http.MethodPost, "/api/orders", map[string]any{
		"items":       []map[string]any{{"productId": productID, "quantity": 1}},
		"shipping":    map[string]string{"name": "paydeck trigger", "phone": "010-0000-0000", "address": "서울특별시 중구 세종대로 110"},
		"customerRef": "paydeck-cli"}, &order)
	if err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	say("Placed order %s (%d won).", order.OrderID, order.FinalAmount)
	if typ == paydeck.OutOrderCanceled {
		if err := c.do(ctx, http.MethodPost, "/api/orders/"+order.OrderID+"/cancel", nil, nil); err != nil {
			return fmt.Errorf("trigger: %w", err)
		}
		say("Cancelled it: %s fires now.", typ)
		return nil
	}
	var co struct {
		SDKURL        string `json:"sdkUrl"`
		OrderName     string `json:"orderName"`
		TaxFreeAmount int64  `json:"taxFreeAmount"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/orders/"+order.OrderID+"/checkout", nil, &co); err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	if !strings.Contains(co.SDKURL, sandboxPath+"/") {
		return errors.New("trigger: this paydeck is not in sandbox mode (its checkout uses the real Toss)")
	}
	method := "CARD"
	if typ == paydeck.OutPaymentWaitingForDeposit {
		method = "VIRTUAL_ACCOUNT"
	}
	paymentKey, err := c.sandboxAuthorize(ctx, order.OrderID, co.OrderName, order.FinalAmount, co.TaxFreeAmount, method)
	if err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	var pay struct {
		Status string `json:"status"`
	}
	err = c.do(ctx, http.MethodPost, "/api/payments/confirm",
		map[string]any{"paymentKey": paymentKey, "orderId": order.OrderID, "amount": order.FinalAmount}, &pay)
	if err != nil {
		return fmt.Errorf("trigger: %w", err)
	}
	say("Paid it in the sandbox window (%s) and confirmed: payment %s is %s.", strings.ToLower(method), paymentKey, pay.Status)
	if typ == paydeck.OutRefundCompleted {
		err := c.do(ctx, http.MethodPost, "/api/payments/"+url.PathEscape(paymentKey)+"/cancel",
			map[string]any{"cancelReason": "paydeck trigger"}, nil)
		if err != nil {
			return fmt.Errorf("trigger: %w", err)
		}
		say("Refunded it.")
	}
	say("%s fires now.", typ)
	return nil
}

// triggerProduct returns the cheapest active product, creating a digital
// one when the catalogue is empty.
func (c *apiClient) triggerProduct(ctx context.Context) (string, error) {
	var page struct {
		Items []struct {
			ID    string `json:"id"`
			Price int64  `json:"price"`
		} `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/products?limit=100", nil, &page); err != nil {
		return "", err
	}
	if len(page.Items) > 0 {
		best := page.Items[0]
		for _, p := range page.Items {
			if p.Price < best.Price {
				best = p
			}
		}
		return best.ID, nil
	}
	var p struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, http.MethodPost, "/api/products", map[string]any{"name": "paydeck trigger 테스트 상품",
		"price": 1000, "isDigital": true}, &p)
	if err != nil {
		return "", fmt.Errorf("the catalogue is empty and no product could be added (run paydeck seed, or give the key catalogue:write): %w", err)
	}
	return p.ID, nil
}

// sandboxAuthorize does what the shopper does in the sandbox's payment
// window (amount and its tax-free part, as the checkout sends them) and
// returns the paymentKey.
func (c *apiClient) sandboxAuthorize(ctx context.Context, orderID, orderName string, amount, taxFree int64, method string) (string, error) {
	b, err := json.Marshal(map[string]any{"orderId": orderID, "amount": amount, "taxFreeAmount": taxFree, "orderName": orderName,
		"method": method, "customerName": "paydeck trigger"})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+sandboxPath+"/v1/sandbox/authorize", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(sandbox.WidgetSecretKey+":")))
	if c.sandboxToken != "" {
		req.Header.Set(sandbox.ControlTokenHeader, c.sandboxToken)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("sandbox authorize: %w", err)
	}
	defer res.Body.Close()
	var out struct {
		PaymentKey string `json:"paymentKey"`
		Message    string `json:"message"`
	}
	_ = json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&out)
	if res.StatusCode != http.StatusOK || out.PaymentKey == "" {
		return "", fmt.Errorf("sandbox authorize: %d %s", res.StatusCode, out.Message)
	}
	return out.PaymentKey, nil
}

func (m *Main) eventsCmd(ctx context.Context) error {
	a := m.flags.args
	if len(a) != 2 || a[0] != "resend" {
		return errors.New("events: usage: paydeck events resend EVENT_ID")
	}
	c, err := m.newAPIClient()
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	var out struct {
		Enqueued int `json:"enqueued"`
	}
	if err := c.do(ctx, http.MethodPost, "/api/admin/events/"+url.PathEscape(a[1])+"/resend", nil, &out); err != nil {
		return fmt.Errorf("events resend: %w", err)
	}
	fmt.Fprintf(m.Stdout, "%s: %d deliveries enqueued.\n", a[1], out.Enqueued)
	return nil
}
