package notify_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/notify"
	"github.com/paydeck/paydeck/payment"
)

// sink is a real SMTP server in the test process that keeps what arrives;
// its first failFirst DATA commands are refused with 451.
type sink struct {
	mu        sync.Mutex
	msgs      []arrived
	failFirst int
	refused   int
	// user and pass, when set, are required (AUTH PLAIN).
	user, pass string
}

type arrived struct {
	From string
	To   []string
	Raw  []byte
}

type session struct {
	s      *sink
	from   string
	to     []string
	authed bool
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) {
	if s.user != "" {
		return &authSession{session{s: s}}, nil
	}
	return &session{s: s}, nil
}

// authSession requires AUTH PLAIN with the sink's user and password.
type authSession struct{ session }

func (a *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (a *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != a.s.user || pass != a.s.pass {
			return errors.New("bad credentials")
		}
		a.authed = true
		return nil
	}), nil
}
func (a *authSession) Mail(from string, o *smtp.MailOptions) error {
	if !a.authed {
		return &smtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	return a.session.Mail(from, o)
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }
func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}
func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.refused < ss.s.failFirst {
		ss.s.refused++
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	ss.s.msgs = append(ss.s.msgs, arrived{From: ss.from, To: ss.to, Raw: raw})
	return nil
}

// startSink serves a sink on a loopback port and returns the settings that
// reach it (plain SMTP: the sink offers no TLS).
func startSink(t *testing.T, failFirst int) (*sink, *notify.SMTP) {
	t.Helper()
	s := &sink{failFirst: failFirst}
	srv := smtp.NewServer(s)
	srv.Domain = "sink.test"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s, &notify.SMTP{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: "none"}
}

func (s *sink) to(addr string) []arrived {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []arrived
	for _, m := range s.msgs {
		if len(m.To) == 1 && m.To[0] == addr {
			out = append(out, m)
		}
	}
	return out
}

// parsed is an arrived message read as a mail client would.
type parsed struct {
	RawSubject, Subject, Text, HTML string
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err)
	var p parsed
	p.RawSubject = m.Header.Get("Subject")
	p.Subject, err = new(mime.WordDecoder).DecodeHeader(p.RawSubject)
	require.NoError(t, err)
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mt)
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		var r io.Reader = part // NextPart decodes quoted-printable itself
		if part.Header.Get("Content-Transfer-Encoding") == "base64" {
			r = base64.NewDecoder(base64.StdEncoding, part)
		}
		body, err := io.ReadAll(r)
		require.NoError(t, err)
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			p.Text = string(body)
		case "text/html":
			p.HTML = string(body)
		}
	}
	return p
}

// wonKo writes an amount as the Korean mail does: 33,000원.
func wonKo(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s + "원"
}

func outbox(t *testing.T, e *apptest.Env) []*paydeck.OutboxMessage {
	t.Helper()
	var out []*paydeck.OutboxMessage
	require.NoError(t, e.DB.View(context.Background(), func(tx paydeck.Tx) (err error) {
		out, _, err = tx.FindOutboxMessages(context.Background(), paydeck.OutboxFilter{})
		return err
	}))
	return out
}

func ofKind(msgs []*paydeck.OutboxMessage, kind string) []*paydeck.OutboxMessage {
	var out []*paydeck.OutboxMessage
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func pay(t *testing.T, e *apptest.Env, u *paydeck.User, o *paydeck.Order, method string) string {
	t.Helper()
	key := e.Authorize(t, o, method)
	_, err := e.Payments.Confirm(context.Background(), apptest.As(u), payment.ConfirmInput{PaymentKey: key,
		OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)
	return key
}

// A card payment through the real sandbox flow sends the shopper a Korean
// receipt and the shop a new-order mail, both over real SMTP.
func TestPaidOrderSendsReceiptOverSMTP(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s, conf := startSink(t, 0)
			e := apptest.New(t, engine, apptest.WithSMTP(conf))
			u := e.Customer(t)
			o := e.Order(t, u, apptest.Line(e.Product(t, 15000, 100), 2))
			pay(t, e, u, o, "CARD")

			apptest.WaitFor(t, "receipt arrived", func() bool { return len(s.to(u.Email)) == 1 && len(s.to(apptest.ShopEmail)) == 1 })
			got := parse(t, s.to(u.Email)[0].Raw)
			require.Equal(t, "[paydeck] 주문 "+o.OrderID+" 결제가 완료되었습니다", got.Subject)
			require.True(t, strings.HasPrefix(got.RawSubject, "=?UTF-8?"), "subject not RFC 2047 encoded: %q", got.RawSubject)
			for _, body := range []string{got.Text, got.HTML} {
				require.Contains(t, body, o.OrderID)
				require.Contains(t, body, wonKo(o.FinalAmount))
				require.Contains(t, body, "30,000원") // the line: 2 × 15,000
				require.Contains(t, body, "영수증")
			}
			require.Contains(t, got.HTML, "<table")
			require.NotContains(t, got.Text, "<table")
			require.Equal(t, "shop@paydeck.test", s.to(u.Email)[0].From)

			shop := parse(t, s.to(apptest.ShopEmail)[0].Raw)
			require.Equal(t, "[paydeck] 새 주문 "+o.OrderID+" ("+wonKo(o.FinalAmount)+")", shop.Subject)
			require.Contains(t, shop.Text, u.Email)

			apptest.WaitFor(t, "outbox rows sent", func() bool {
				for _, m := range outbox(t, e) {
					if m.Status != paydeck.OutboxSent || m.SentAt == nil {
						return false
					}
				}
				return true
			})
			require.Len(t, outbox(t, e), 2)
		})
	}
}

// A server that refuses the message makes the job retry; the outbox row
// records the failure, and the message arrives once the server accepts.
func TestFailingSMTPServerRetries(t *testing.T) {
	t.Parallel()
	s, conf := startSink(t, 1)
	e := apptest.New(t, "sqlite", apptest.WithSMTP(conf))
	u := e.Customer(t)
	o := e.Order(t, u, apptest.Line(e.Product(t, 12000, 100), 1))
	pay(t, e, u, o, "CARD")

	apptest.WaitFor(t, "a refusal recorded", func() bool {
		for _, m := range outbox(t, e) {
			if m.Status == paydeck.OutboxRetrying && strings.Contains(m.LastError, "451") {
				return true
			}
		}
		return false
	})
	apptest.WaitFor(t, "both arrived after the retries", func() bool {
		return len(s.to(u.Email)) == 1 && len(s.to(apptest.ShopEmail)) == 1
	})
	msgs := outbox(t, e)
	require.Len(t, msgs, 2)
	attempts := 0
	apptest.WaitFor(t, "rows sent", func() bool {
		msgs, attempts = outbox(t, e), 0
		for _, m := range msgs {
			if m.Status != paydeck.OutboxSent {
				return false
			}
			attempts += m.Attempts
		}
		return true
	})
	require.Equal(t, 3, attempts, "one refusal, then two successes")
}

// Without SMTP, every message is kept in the outbox; a rolled-back change
// writes none; the virtual account mail carries what the shopper needs to
// pay, the deposit mail and the shop's follow, and low stock is reported.
func TestOutboxWithoutSMTP(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		u := e.Customer(t)
		product := e.Product(t, 21000, 6)
		o := e.Order(t, u, apptest.Line(product, 1))

		boom := errors.New("rolled back after its audit event")
		err := e.DB.Update(ctx, func(tx paydeck.Tx) error {
			cur, err := tx.FindOrderByID(ctx, o.ID)
			if err != nil {
				return err
			}
			cur.Status = paydeck.OrderPaid
			if err := tx.UpdateOrder(ctx, cur); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventApproved,
				Message: "paid, then rolled back"}); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Empty(t, outbox(t, e), "a rolled-back change wrote mail")

		key := pay(t, e, u, o, "VIRTUAL_ACCOUNT")
		msgs := ofKind(outbox(t, e), "va_issued")
		require.Len(t, msgs, 1)
		va := msgs[0]
		require.Equal(t, u.Email, va.To)
		var p *paydeck.Payment
		require.NoError(t, e.DB.View(ctx, func(tx paydeck.Tx) (err error) {
			ps, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID})
			if err == nil {
				p = ps[0]
			}
			return err
		}))
		require.NotNil(t, p.VirtualAccount)
		for _, want := range []string{paydeck.BankName(p.VirtualAccount.BankCode), p.VirtualAccount.AccountNumber,
			wonKo(o.FinalAmount), p.VirtualAccount.DueDate.In(time.FixedZone("KST", 9*3600)).Format("2006-01-02 15:04")} {
			require.Contains(t, va.Text, want)
			require.Contains(t, va.HTML, want)
		}
		// Without SMTP the message is kept as it is written: no send job,
		// no attempt.
		require.Equal(t, paydeck.OutboxKept, va.Status)
		require.Zero(t, va.Attempts)
		require.Zero(t, jobsOfKind(t, e, notify.SendArgs{}.Kind()), "a send job was enqueued without SMTP")

		e.Deposit(t, key)
		e.WebhooksSettled(t)
		all := outbox(t, e)
		require.Len(t, ofKind(all, "deposit_received"), 1)
		require.Len(t, ofKind(all, "shop_deposit"), 1)
		require.Equal(t, apptest.ShopEmail, ofKind(all, "shop_deposit")[0].To)
		low := ofKind(all, "shop_low_stock")
		require.Len(t, low, 1, "stock 5 is at the threshold")
		require.Contains(t, low[0].Subject, product.Name)
		require.Empty(t, ofKind(all, "order_paid"), "a deposit's receipt is the deposit mail")
	})
}

// Shipping and a partial refund each mail the shopper.
func TestShippedAndRefundedMail(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, "sqlite")
	ctx := context.Background()
	u := e.Customer(t)
	o := e.Order(t, u, apptest.Line(e.Product(t, 15000, 100), 2))
	key := pay(t, e, u, o, "CARD")
	admin := e.Admin(t)
	_, err := e.Payments.ShipOrder(ctx, apptest.As(admin), o.OrderID)
	require.NoError(t, err)
	amount := int64(7000)
	_, _, err = e.Payments.Cancel(ctx, apptest.As(admin), key, payment.CancelInput{Reason: "부분 환불", Amount: &amount})
	require.NoError(t, err)

	all := outbox(t, e)
	shipped := ofKind(all, "shipped")
	require.Len(t, shipped, 1)
	require.Equal(t, "[paydeck] 주문 "+o.OrderID+" 상품이 발송되었습니다", shipped[0].Subject)
	require.Equal(t, u.Email, shipped[0].To)
	refunded := ofKind(all, "refunded")
	require.Len(t, refunded, 1)
	require.Contains(t, refunded[0].Text, "환불 금액: 7,000원")
	require.Contains(t, refunded[0].HTML, "7,000원")
}

// STARTTLS (required, the default) with AUTH PLAIN: the sink offers
// STARTTLS with a test certificate the client is told to trust, and
// refuses mail without the right password.
func TestSTARTTLSWithAuth(t *testing.T) {
	t.Parallel()
	ts := httptest.NewUnstartedServer(nil) // only for its test certificate
	ts.StartTLS()
	t.Cleanup(ts.Close)
	s := &sink{user: "mailer", pass: "s3cret"}
	srv := smtp.NewServer(s)
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: ts.TLS.Certificates}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())
	conf, err := notify.ParseSMTPURL(fmt.Sprintf("smtp://mailer:s3cret@127.0.0.1:%d", l.Addr().(*net.TCPAddr).Port))
	require.NoError(t, err)
	conf.TLSConfig = &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}

	e := apptest.New(t, "sqlite", apptest.WithSMTP(conf))
	u := e.Customer(t)
	o := e.Order(t, u, apptest.Line(e.Product(t, 15000, 100), 1))
	pay(t, e, u, o, "CARD")
	apptest.WaitFor(t, "receipt over STARTTLS", func() bool { return len(s.to(u.Email)) == 1 })
	require.Contains(t, parse(t, s.to(u.Email)[0].Raw).Subject, o.OrderID)
	// The shop's copy too, so that no send job of the store's own is still
	// running when the message is made pending again below.
	apptest.WaitFor(t, "every message sent", func() bool {
		for _, m := range outbox(t, e) {
			if m.Status != paydeck.OutboxSent {
				return false
			}
		}
		return true
	})

	// A wrong password is a failure the job retries, and it is never logged.
	bad := *conf
	bad.Password = "wrong-TOPSECRET"
	svc, err := notify.New(notify.Config{Store: e.DB, SMTP: &bad, From: "shop@paydeck.test"})
	require.NoError(t, err)
	msgs := outbox(t, e)
	msgs[0].Status = paydeck.OutboxPending
	require.NoError(t, e.DB.Update(context.Background(), func(tx paydeck.Tx) error {
		return tx.UpdateOutboxMessage(context.Background(), msgs[0])
	}))
	err = svc.Send(context.Background(), notify.SendArgs{MessageID: msgs[0].ID})
	require.Error(t, err)
	require.NotContains(t, err.Error(), "TOPSECRET")
	m := ofKind(outbox(t, e), msgs[0].Kind)[0]
	require.Equal(t, paydeck.OutboxRetrying, m.Status)
	require.NotContains(t, m.LastError, "TOPSECRET")
	require.Contains(t, m.LastError, "SMTP AUTH failed")
}

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	s, err := notify.ParseSMTPURL("smtp://mailer:s3cret@mail.example.com:2525")
	require.NoError(t, err)
	require.Equal(t, notify.SMTP{Host: "mail.example.com", Port: 2525, User: "mailer", Password: "s3cret", TLS: "starttls"}, *s)
	s, err = notify.ParseSMTPURL("smtps://u:p@mail.example.com")
	require.NoError(t, err)
	require.Equal(t, 465, s.Port)
	require.Equal(t, "tls", s.TLS)
	s, err = notify.ParseSMTPURL("smtp://relay.local:25?tls=none")
	require.NoError(t, err)
	require.Equal(t, "none", s.TLS)
	for _, bad := range []string{"http://u:s3cret@h:25", "smtp://u:s3cret@:25", "smtp://u:s3cret@h:99999", "smtp://u:s3cret@h?tls=maybe"} {
		_, err := notify.ParseSMTPURL(bad)
		require.Error(t, err, bad)
		require.NotContains(t, err.Error(), "s3cret")
	}
}

// A coupon order's receipt says the amount paid is after the discount,
// naming the coupon, in the shopper's mail and the shop's.
func TestReceiptShowsCouponDiscount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, "sqlite")
	require.NoError(t, e.DB.Update(context.Background(), func(tx paydeck.Tx) error {
		return tx.CreateCoupon(context.Background(), &paydeck.Coupon{Code: "THANKS3000", Kind: paydeck.CouponFixed, Value: 3000})
	}))
	u := e.Customer(t)
	o, err := e.Payments.CreateOrder(context.Background(), apptest.As(u), payment.OrderInput{
		Items: []payment.OrderLine{apptest.Line(e.Product(t, 15000, 100), 2)}, CouponCode: "THANKS3000",
		Shipping: payment.Shipping{Name: "홍길동", Address: "서울"}})
	require.NoError(t, err)
	require.Equal(t, int64(30_000), o.FinalAmount)
	pay(t, e, u, o, "CARD")
	var receipts []*paydeck.OutboxMessage
	apptest.WaitFor(t, "receipt written", func() bool {
		receipts = append(ofKind(outbox(t, e), "order_paid"), ofKind(outbox(t, e), "shop_order_paid")...)
		return len(receipts) == 2
	})
	for _, m := range receipts {
		for _, body := range []string{m.Text, m.HTML} {
			require.Contains(t, body, "쿠폰 할인")
			require.Contains(t, body, "-3,000원 (THANKS3000)")
			require.Contains(t, body, "30,000원") // 2 × 15,000 − 3,000 + 3,000 shipping
		}
	}
}

// jobsOfKind counts e's River jobs of kind, in every state.
func jobsOfKind(t *testing.T, e *apptest.Env, kind string) int {
	t.Helper()
	jobs, err := e.DB.Jobs(context.Background(), []string{"available", "scheduled", "running", "retryable",
		"completed", "discarded", "cancelled", "pending"}, 10_000)
	require.NoError(t, err)
	n := 0
	for _, j := range jobs {
		if j.Kind == kind {
			n++
		}
	}
	return n
}

// A message left pending with its send job (written by a paydeck that had
// SMTP, or before messages were kept as they are written) is marked kept
// by the job when this one has no SMTP.
func TestSendWithoutSMTPKeepsAPendingMessage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, "sqlite")
	ctx := context.Background()
	m := &paydeck.OutboxMessage{Kind: "order_paid", To: "kim@example.com", Subject: "주문", Text: "t", HTML: "<p>t</p>"}
	require.NoError(t, e.DB.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateOutboxMessage(ctx, m, nil) }))
	require.Equal(t, paydeck.OutboxPending, ofKind(outbox(t, e), "order_paid")[0].Status)
	svc, err := notify.New(notify.Config{Store: e.DB})
	require.NoError(t, err)
	require.NoError(t, svc.Send(ctx, notify.SendArgs{MessageID: m.ID}))
	got := ofKind(outbox(t, e), "order_paid")[0]
	require.Equal(t, paydeck.OutboxKept, got.Status)
	require.Equal(t, 1, got.Attempts)
	require.NoError(t, svc.Send(ctx, notify.SendArgs{MessageID: m.ID}), "a second run")
	require.Equal(t, 1, ofKind(outbox(t, e), "order_paid")[0].Attempts, "a kept message is left alone")
}
