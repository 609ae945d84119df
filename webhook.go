package paydeck

import (
	"encoding/json"
	"time"
)

// Webhook is one delivery received from Toss, recorded before it is
// processed (by a job) so nothing received is lost.
type Webhook struct {
	// ID is assigned by the store; IDs increase in receive order.
	ID int64 `json:"id"`
	// EventType is the delivery's eventType (e.g. PAYMENT_STATUS_CHANGED,
	// DEPOSIT_CALLBACK), "" when it could not be read.
	EventType string `json:"eventType"`
	// Body is the raw request body, byte for byte.
	Body []byte `json:"-"`
	// Headers is the recorded subset of request headers.
	Headers    map[string]string `json:"headers"`
	ReceivedAt time.Time         `json:"receivedAt"`
	// ProcessedAt is when processing finished; nil while pending.
	ProcessedAt *time.Time `json:"processedAt,omitempty"`
	// Result says what processing did (e.g. "applied", "duplicate",
	// "rejected: secret mismatch"); "" while pending.
	Result string `json:"result,omitempty"`
}

// PaymentWebhookTriage is what Tx.CreatePaymentWebhook needs to record a
// delivery about one payment as processed in the statement that reads the
// payment: which payments it would change nothing on, and the results.
type PaymentWebhookTriage struct {
	// PaymentKey names the payment the delivery is about.
	PaymentKey string
	// Unchanged lists the statuses of a payment never approved (ApprovedAt
	// nil), UnchangedApproved those of one approved, on which the delivery
	// changes nothing.
	Unchanged, UnchangedApproved []PaymentStatus
	// Unknown is the result when no payment has PaymentKey; otherwise
	// UnchangedBefore, the payment's status and UnchangedAfter.
	Unknown, UnchangedBefore, UnchangedAfter string
}

// ReconciliationReport is the outcome of comparing local payments with
// Toss's transaction list for one KST calendar day.
type ReconciliationReport struct {
	// ID is assigned by the store; a later report for the same date has a
	// larger ID.
	ID int64 `json:"id"`
	// Date is the KST day compared, "2006-01-02".
	Date string `json:"date"`
	// Report is the JSON report (mismatches and totals).
	Report    json.RawMessage `json:"report"`
	CreatedAt time.Time       `json:"createdAt"`
}

// Validate returns an invalid *Error unless Date is a "2006-01-02" date and
// Report is valid JSON.
func (r *ReconciliationReport) Validate() error {
	if _, err := time.Parse(time.DateOnly, r.Date); err != nil {
		return Errorf(CodeInvalid, "Report date %q is not a yyyy-mm-dd date.", r.Date)
	} else if !json.Valid(r.Report) {
		return Errorf(CodeInvalid, "Report is not valid JSON.")
	}
	return nil
}
