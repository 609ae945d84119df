package webhook_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/webhook"
)

// The specification's reference libraries share this vector (their Go,
// Python and JavaScript tests): secret, message id, timestamp, body and the
// expected signature.
const (
	vecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vecID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecTS     = 1614265330
	vecBody   = `{"test": 2432232314}`
	vecSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func vecHeader(sig string) http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderID, vecID)
	h.Set(webhook.HeaderTimestamp, "1614265330")
	h.Set(webhook.HeaderSignature, sig)
	return h
}

func TestSignSpecVector(t *testing.T) {
	t.Parallel()
	sig, err := webhook.Sign(vecSecret, vecID, time.Unix(vecTS, 0), []byte(vecBody))
	require.NoError(t, err)
	require.Equal(t, vecSig, sig)
	// The prefix is optional, as in the reference libraries.
	sig, err = webhook.Sign(strings.TrimPrefix(vecSecret, "whsec_"), vecID, time.Unix(vecTS, 0), []byte(vecBody))
	require.NoError(t, err)
	require.Equal(t, vecSig, sig)
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(vecTS, 0)
	other := "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
	tests := []struct {
		name string
		h    http.Header
		body string
		now  time.Time
		want error
	}{
		{"OK", vecHeader(vecSig), vecBody, now, nil},
		{"OKAmongSeveral", vecHeader(other + " v1a,aGVsbG8= " + vecSig), vecBody, now, nil},
		{"OKSkewBehind", vecHeader(vecSig), vecBody, now.Add(-4 * time.Minute), nil},
		{"OKSkewAhead", vecHeader(vecSig), vecBody, now.Add(5 * time.Minute), nil},
		{"ErrBodyChanged", vecHeader(vecSig), `{"test": 2432232315}`, now, webhook.ErrSignature},
		{"ErrWrongSignature", vecHeader(other), vecBody, now, webhook.ErrSignature},
		{"ErrEmptySignature", vecHeader("v1,"), vecBody, now, webhook.ErrSignature},
		{"ErrOtherScheme", vecHeader("v2," + strings.TrimPrefix(vecSig, "v1,")), vecBody, now, webhook.ErrSignature},
		{"ErrTooOld", vecHeader(vecSig), vecBody, now.Add(5*time.Minute + time.Second), webhook.ErrTimestamp},
		{"ErrTooNew", vecHeader(vecSig), vecBody, now.Add(-5*time.Minute - time.Second), webhook.ErrTimestamp},
		{"ErrMissingID", func() http.Header { h := vecHeader(vecSig); h.Del(webhook.HeaderID); return h }(), vecBody, now, webhook.ErrMissingHeaders},
		{"ErrBadTimestamp", func() http.Header { h := vecHeader(vecSig); h.Set(webhook.HeaderTimestamp, "1614265330.5"); return h }(), vecBody, now, webhook.ErrTimestamp},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := webhook.Verify(vecSecret, tc.h, []byte(tc.body), tc.now)
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
		})
	}
}

func TestVerifyBadSecret(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"whsec_", "whsec_not base64!", ""} {
		err := webhook.Verify(s, vecHeader(vecSig), []byte(vecBody), time.Unix(vecTS, 0))
		require.True(t, errors.Is(err, webhook.ErrSecret), "secret %q: %v", s, err)
	}
}

// TestHeadersRotation: signed with the new and the old secret, a receiver
// holding either verifies; one holding neither does not.
func TestHeadersRotation(t *testing.T) {
	t.Parallel()
	oldS, newS := webhook.NewSecret(), webhook.NewSecret()
	require.NotEqual(t, oldS, newS)
	require.True(t, strings.HasPrefix(newS, "whsec_"))
	now := time.Now()
	body := []byte(`{"type":"order.paid"}`)
	h, err := webhook.Headers("evt_1", now, body, newS, oldS)
	require.NoError(t, err)
	require.Len(t, strings.Fields(h.Get(webhook.HeaderSignature)), 2)
	require.NoError(t, webhook.Verify(newS, h, body, now))
	require.NoError(t, webhook.Verify(oldS, h, body, now))
	require.ErrorIs(t, webhook.Verify(webhook.NewSecret(), h, body, now), webhook.ErrSignature)
	_, err = webhook.Headers("evt_1", now, body)
	require.ErrorIs(t, err, webhook.ErrSecret)
}
