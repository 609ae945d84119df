// Package notify writes mail to shoppers (receipt, virtual account,
// deposit, shipment, refund) and to the shop (new paid order, deposit, low
// stock), in Korean or English, plain text plus HTML.
//
// Hook renders each message in the transaction of the change it reports
// and stores it in the outbox table. With SMTP it enqueues a SendArgs job
// there too, which sends the message (retrying until the server accepts
// it; the row records each failure). Without SMTP (Options.Keep) the
// message is stored kept in the outbox, which the admin shows at
// /admin/outbox, and no job runs: a paid order's mail then costs one
// statement per message instead of four and no write transaction of its
// own (issue 18). A pending message met by a job without SMTP (written by
// an instance that had it) is marked kept.
package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/paydeck/paydeck"
)

// MaxAttempts bounds a send job's attempts (River's backoff makes that
// days); the message stays in the outbox, status "retrying", after the last.
const MaxAttempts = 25

// SendArgs is the job that sends one outbox message.
type SendArgs struct {
	MessageID int64 `json:"messageId"`
}

// Kind implements paydeck.JobArgs.
func (SendArgs) Kind() string { return "notify_send" }

// SMTP is a parsed PAYDECK_SMTP_URL.
type SMTP struct {
	Host, User, Password string
	Port                 int
	// TLS is "starttls" (the default: required), "tls" (implicit TLS,
	// smtps://), or "none" (plain, for a local relay; ?tls=none).
	TLS string
	// TLSConfig, when set, replaces the default TLS settings (a private
	// CA's roots, say); nil verifies the server against the system roots.
	TLSConfig *tls.Config
}

// ParseSMTPURL parses smtp://user:pass@host:port[?tls=starttls|none] or
// smtps://user:pass@host:port. Errors never include the password.
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("PAYDECK_SMTP_URL is not a URL of the form smtp://user:pass@host:port")
	}
	s := &SMTP{Host: u.Hostname(), TLS: "starttls"}
	switch u.Scheme {
	case "smtp":
		if t := u.Query().Get("tls"); t != "" {
			if t != "starttls" && t != "none" {
				return nil, fmt.Errorf("PAYDECK_SMTP_URL: tls must be starttls or none, not %q", t)
			}
			s.TLS = t
		}
		s.Port = 587
	case "smtps":
		s.TLS, s.Port = "tls", 465
	default:
		return nil, errors.New("PAYDECK_SMTP_URL must start with smtp:// or smtps://")
	}
	if s.Host == "" {
		return nil, errors.New("PAYDECK_SMTP_URL has no host")
	}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil || s.Port <= 0 || s.Port > 65535 {
			return nil, errors.New("PAYDECK_SMTP_URL has a bad port")
		}
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// Config configures a Service.
type Config struct {
	Store paydeck.Store
	// SMTP is nil for the outbox-only mode (the default).
	SMTP *SMTP
	// From is the sender address (PAYDECK_MAIL_FROM).
	From   string
	Now    func() time.Time
	Logger *slog.Logger
	// Timeout bounds one SMTP exchange (default 30 s).
	Timeout time.Duration
}

// Service sends outbox messages.
type Service struct{ cfg Config }

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("notify: a store is required")
	}
	if cfg.SMTP != nil && cfg.From == "" {
		return nil, errors.New("notify: PAYDECK_MAIL_FROM is required with PAYDECK_SMTP_URL")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Service{cfg: cfg}, nil
}

// Send runs one SendArgs job: it keeps the message in the outbox (no SMTP)
// or sends it. A failed send is recorded on the row and returned, so River
// retries; a message already sent or kept is left alone.
func (s *Service) Send(ctx context.Context, a SendArgs) error {
	var m *paydeck.OutboxMessage
	if err := s.cfg.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		m, err = tx.FindOutboxMessageByID(ctx, a.MessageID)
		return err
	}); err != nil {
		return err
	}
	if m.Status == paydeck.OutboxSent || m.Status == paydeck.OutboxKept {
		return nil
	}
	m.Attempts++
	if s.cfg.SMTP == nil {
		m.Status = paydeck.OutboxKept
	} else if err := s.deliver(ctx, m); err != nil {
		m.Status, m.LastError = paydeck.OutboxRetrying, err.Error()
		s.cfg.Logger.Warn("mail not sent; will retry", "message", m.ID, "attempt", m.Attempts, "err", err)
		if uerr := s.update(ctx, m); uerr != nil {
			return errors.Join(err, uerr)
		}
		return err
	} else {
		now := s.cfg.Now()
		m.Status, m.LastError, m.SentAt = paydeck.OutboxSent, "", &now
	}
	return s.update(ctx, m)
}

func (s *Service) update(ctx context.Context, m *paydeck.OutboxMessage) error {
	return s.cfg.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.UpdateOutboxMessage(ctx, m) })
}

// deliver sends m over SMTP. Its errors name the server, never the password.
func (s *Service) deliver(ctx context.Context, m *paydeck.OutboxMessage) error {
	msg := mail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("sender address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("recipient address: %w", err)
	}
	msg.Subject(m.Subject) // go-mail encodes non-ASCII subjects (RFC 2047)
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	msg.SetMessageID()
	msg.SetDate()

	c := s.cfg.SMTP
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTimeout(s.cfg.Timeout)}
	switch c.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if c.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(c.TLSConfig))
	}
	if c.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(c.User), mail.WithPassword(c.Password))
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp %s:%d: %w", c.Host, c.Port, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s:%d: %w", c.Host, c.Port, err)
	}
	return nil
}
