package subscription

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"

	"github.com/paydeck/paydeck/toss"
)

// sealer encrypts billing keys at rest and hashes them for lookups.
type sealer struct {
	aead    cipher.AEAD
	hashKey []byte
	rand    io.Reader
}

// newSealer derives the encryption and hash keys from secret (already a
// purpose-specific key derived from PAYDECK_SECRET).
func newSealer(secret []byte, random io.Reader) (*sealer, error) {
	if len(secret) < 32 {
		return nil, errors.New("subscription: the billing key secret must be at least 32 bytes")
	}
	block, err := aes.NewCipher(derive(secret, "paydeck billing key seal v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead, hashKey: derive(secret, "paydeck billing key hash v1"), rand: random}, nil
}

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// seal returns base64(nonce ‖ AES-GCM(key)), bound to the subscription's
// customerKey as additional data.
func (s *sealer) seal(key toss.BillingKey, customerKey string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, []byte(key), []byte(customerKey))
	return base64.RawStdEncoding.EncodeToString(out), nil
}

// open reverses seal; a tampered or foreign value is an error (whose text
// holds no part of the key).
func (s *sealer) open(sealed, customerKey string) (toss.BillingKey, error) {
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	n := s.aead.NonceSize()
	if err != nil || len(b) < n {
		return "", errors.New("subscription: sealed billing key is malformed")
	}
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(customerKey))
	if err != nil {
		return "", errors.New("subscription: sealed billing key does not open with this secret")
	}
	return toss.BillingKey(plain), nil
}

// hash is the keyed hash stored to match BILLING_DELETED webhooks.
func (s *sealer) hash(key toss.BillingKey) string {
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(key))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
