// Package webhook signs and verifies webhooks per the Standard Webhooks
// specification (symmetric scheme): the headers webhook-id,
// webhook-timestamp and webhook-signature, where the signature is
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>" keyed with a "whsec_"
// secret, and several space-separated signatures may be sent at once
// during a secret rotation.
//
// paydeck signs its outbound events with Sign; a Go receiver verifies them
// with Verify:
//
//	body, _ := io.ReadAll(r.Body)
//	if err := webhook.Verify(secret, r.Header, body, time.Now()); err != nil {
//		http.Error(w, "bad signature", http.StatusBadRequest)
//		return
//	}
//
// The package uses the standard library only.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of the Standard Webhooks specification.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts every serialized secret.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a webhook's timestamp may be from the
// receiver's clock, either way: it bounds clock skew and replays.
const DefaultTolerance = 5 * time.Minute

// Errors Verify returns (wrapped or as is); compare with errors.Is.
var (
	// ErrMissingHeaders: webhook-id, webhook-timestamp or
	// webhook-signature is absent.
	ErrMissingHeaders = errors.New("webhook: missing webhook-id, webhook-timestamp or webhook-signature header")
	// ErrTimestamp: the timestamp is not an integer or is outside the
	// tolerance.
	ErrTimestamp = errors.New("webhook: timestamp is invalid or outside the tolerance")
	// ErrSignature: no signature in the header matches the secret.
	ErrSignature = errors.New("webhook: no matching signature")
	// ErrSecret: the secret is not "whsec_" followed by base64.
	ErrSecret = errors.New("webhook: secret is not whsec_ followed by base64")
)

// NewSecret returns a fresh secret "whsec_<base64 of 32 random bytes>".
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand.Read panics instead)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// DecodeSecret returns the key bytes of a secret. The "whsec_" prefix is
// optional (the stock libraries accept bare base64 too).
func DecodeSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) == 0 {
		return nil, ErrSecret
	}
	return key, nil
}

// Sign returns the signature "v1,<base64>" of body sent as message id at
// ts, keyed with secret.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := DecodeSecret(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, ts.Unix(), body)), nil
}

// Headers returns the three headers of body sent as message id at ts,
// signed with every secret (the current one first; during a rotation the
// old one too, so receivers holding either verify it).
func Headers(id string, ts time.Time, body []byte, secrets ...string) (http.Header, error) {
	if len(secrets) == 0 {
		return nil, ErrSecret
	}
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		sig, err := Sign(s, id, ts, body)
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, sig)
	}
	h := http.Header{}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, strings.Join(sigs, " "))
	return h, nil
}

// Verify checks body against the headers with DefaultTolerance; see
// VerifyTolerance.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	return VerifyTolerance(secret, h, body, now, DefaultTolerance)
}

// VerifyTolerance checks that one of the v1 signatures in h is body's
// signature under secret (compared in constant time) and that the
// timestamp is within tolerance of now either way. Signatures of other
// schemes (e.g. "v1a,…") are skipped.
func VerifyTolerance(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return ErrMissingHeaders
	}
	key, err := DecodeSecret(secret)
	if err != nil {
		return err
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	skew := now.Unix() - ts
	if skew > int64(tolerance/time.Second) || -skew > int64(tolerance/time.Second) {
		return ErrTimestamp
	}
	want := mac(key, id, ts, body)
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrSignature
}

// mac is HMAC-SHA256 over "id.timestamp.body".
func mac(key []byte, id string, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write(strconv.AppendInt(nil, ts, 10))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}
