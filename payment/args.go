package payment

// Job arguments. Each Kind is stable: never rename one once shipped. The
// workers live in jobs/; the Service enqueues these inside its transactions.

// ExpireOrderArgs asks for ExpireOrder. paydeck no longer queues it (Sweep
// expires orders); the worker stays for jobs queued by earlier versions.
type ExpireOrderArgs struct {
	OrderID string `json:"orderId"` // Order.ID
}

// Kind implements paydeck.JobArgs.
func (ExpireOrderArgs) Kind() string { return "payment_expire_order" }

// ResolvePaymentArgs asks for ResolvePayment: settle a confirm in progress.
type ResolvePaymentArgs struct {
	PaymentID string `json:"paymentId"`
}

// Kind implements paydeck.JobArgs.
func (ResolvePaymentArgs) Kind() string { return "payment_resolve_payment" }

// ResolveRefundArgs asks for ResolveRefund: settle a refund in progress.
type ResolveRefundArgs struct {
	RefundID string `json:"refundId"`
}

// Kind implements paydeck.JobArgs.
func (ResolveRefundArgs) Kind() string { return "payment_resolve_refund" }

// ProcessWebhookArgs asks for ProcessWebhook of a recorded delivery.
type ProcessWebhookArgs struct {
	WebhookID int64 `json:"webhookId"`
}

// Kind implements paydeck.JobArgs.
func (ProcessWebhookArgs) Kind() string { return "payment_process_webhook" }

// ExpireVirtualAccountArgs asks for ExpireVirtualAccount at the due date.
type ExpireVirtualAccountArgs struct {
	PaymentID string `json:"paymentId"`
}

// Kind implements paydeck.JobArgs.
func (ExpireVirtualAccountArgs) Kind() string { return "payment_expire_virtual_account" }

// ReconcileArgs asks for Reconcile of one KST date ("2006-01-02").
type ReconcileArgs struct {
	Date string `json:"date"`
}

// Kind implements paydeck.JobArgs.
func (ReconcileArgs) Kind() string { return "payment_reconcile" }

// SweepArgs asks for Sweep, the periodic safety net behind the per-entity
// scheduled jobs.
type SweepArgs struct{}

// Kind implements paydeck.JobArgs.
func (SweepArgs) Kind() string { return "payment_sweep" }
