package sandbox

import (
	"encoding/base64"
	"encoding/hex"
	"io"
	"time"
)

// All generated identifiers come from Options.Rand through s.rnd, read under
// s.mu, so a seeded reader gives the same IDs on every run.

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (s *Server) randBytesLocked(b []byte) {
	if _, err := io.ReadFull(s.rnd, b); err != nil {
		panic("sandbox: random source failed: " + err.Error())
	}
}

func (s *Server) randStringLocked(n int, alphabet string) string {
	b := make([]byte, n)
	s.randBytesLocked(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// newPaymentKeyLocked returns a fresh key in the "tviva20250301101530Qx7Lm9Ab"
// style of docs/toss.md#payment-object.
func (s *Server) newPaymentKeyLocked(now int64) string {
	prefix := "tviva" + kstTime(now).Format("20060102150405")
	for {
		k := prefix + s.randStringLocked(8, alnum)
		if _, dup := s.st.payments[k]; !dup {
			return k
		}
	}
}

func (s *Server) newTxKeyLocked() txKey {
	var k txKey
	s.randBytesLocked(k[:])
	return k
}

func (k txKey) String() string { return string(k.appendHex(nil)) }

// appendHex appends k as 32 upper-case hex digits.
func (k txKey) appendHex(b []byte) []byte {
	const digits = "0123456789ABCDEF"
	for _, c := range k {
		b = append(b, digits[c>>4], digits[c&0xf])
	}
	return b
}

// MarshalText and UnmarshalText store transaction keys as hex in the state file.
func (k txKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

func (k *txKey) UnmarshalText(b []byte) error {
	_, err := hex.Decode(k[:], b)
	return err
}

func (k txKey) isZero() bool { return k == txKey{} }

func (s *Server) newSecretLocked() string { return "ps_" + s.randStringLocked(24, alnum) }

func (s *Server) newAccountNumberLocked() string {
	return "X" + s.randStringLocked(13, "0123456789")
}

// newBillingKeyLocked returns a base64 key that ends in "=" and usually
// holds "+" or "/", like Toss's (docs/toss.md#transport).
func (s *Server) newBillingKeyLocked() string {
	b := make([]byte, 32)
	for {
		s.randBytesLocked(b)
		k := base64.StdEncoding.EncodeToString(b)
		if _, dup := s.st.billings[k]; !dup {
			return k
		}
	}
}

func (s *Server) newAuthKeyLocked() string { return "bln_" + s.randStringLocked(24, alnum) }

func (s *Server) newReceiptKeyLocked() string { return s.randStringLocked(24, alnum) }

func (s *Server) newTransmissionIDLocked() string {
	return "whtrans_" + s.randStringLocked(26, "abcdefghijklmnopqrstuvwxyz0123456789")
}

// kst is Korea Standard Time; every timestamp Toss renders is in it.
var kst = time.FixedZone("KST", 9*60*60)

const (
	tossLayout  = "2006-01-02T15:04:05-07:00"  // Payment timestamps
	hookLayout  = "2006-01-02T15:04:05.000000" // webhook createdAt (no offset)
	localLayout = "2006-01-02T15:04:05"        // request dates without offset
	dateLayout  = "2006-01-02"                 // settlement / cash-receipt dates
)

func kstTime(ns int64) time.Time { return time.Unix(0, ns).In(kst) }

func fmtTime(ns int64) string { return kstTime(ns).Format(tossLayout) }
