package paydeck

import (
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// NewUUID returns a random (version 4) UUID in its canonical lower-case text
// form, reading 16 bytes from random (crypto/rand.Reader in production).
func NewUUID(random io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", fmt.Errorf("read random bytes for uuid: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ValidUUID reports whether s is a UUID in canonical lower-case text form, the
// only form paydeck stores. Stores answer not_found for IDs that fail it.
func ValidUUID(s string) bool { return uuidPattern.MatchString(s) }

// KST is Korea Standard Time (UTC+9, no daylight saving). Calendar dates in
// paydeck (order IDs, reconciliation dates) are KST dates.
var KST = time.FixedZone("KST", 9*60*60)

// NewOrderID returns a public order ID "ORD{yyyymmdd}{8 uppercase hex}": the
// KST date of now and 4 bytes read from random. The result is always valid for
// Toss (see ValidTossOrderID).
func NewOrderID(now time.Time, random io.Reader) (string, error) {
	var b [4]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", fmt.Errorf("read random bytes for order id: %w", err)
	}
	return "ORD" + now.In(KST).Format("20060102") + strings.ToUpper(hex.EncodeToString(b[:])), nil
}

var tossOrderIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{6,64}$`)

// ValidTossOrderID reports whether s satisfies Toss's orderId rule: 6 to 64
// characters of A-Z, a-z, 0-9, '-' and '_'.
func ValidTossOrderID(s string) bool { return tossOrderIDPattern.MatchString(s) }
