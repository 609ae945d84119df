package toss

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
)

// ErrInvalidSignature is returned by VerifyWebhookSignature when the
// signature header is missing, malformed or matches no HMAC.
var ErrInvalidSignature = errors.New("toss: invalid webhook signature")

// VerifyWebhookSignature checks a signed webhook (payout.changed,
// seller.changed): the Tosspayments-Webhook-Signature header holds one or
// more comma-separated "v1:<base64>" values, and the webhook is genuine when
// any of them equals HMAC-SHA256(securityKey, body + ":" + transmission-time
// header), compared in constant time. body must be the raw bytes received.
// Payment events carry no signature and always fail here.
func VerifyWebhookSignature(body []byte, h http.Header, securityKey []byte) error {
	sig, ts := h.Get(HeaderWebhookSignature), h.Get(HeaderWebhookTransmission)
	if sig == "" || ts == "" || len(securityKey) == 0 {
		return ErrInvalidSignature
	}
	want := webhookMAC(body, ts, securityKey)
	for part := range strings.SplitSeq(sig, ",") {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), "v1:")
		if !ok {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(v)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrInvalidSignature
}

// SignWebhook returns the "v1:<base64>" signature value for body sent at
// transmissionTime, as Toss computes it; an emulator or a test uses it to
// produce signed webhooks.
func SignWebhook(body []byte, transmissionTime string, securityKey []byte) string {
	return "v1:" + base64.StdEncoding.EncodeToString(webhookMAC(body, transmissionTime, securityKey))
}

func webhookMAC(body []byte, ts string, key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	m.Write([]byte(":"))
	m.Write([]byte(ts))
	return m.Sum(nil)
}
