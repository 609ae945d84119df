package subscription

// Job arguments. Each Kind is stable: never rename one once shipped. The
// workers live in jobs/.

// RenewArgs asks for Renew of one (subscription, period). Attempt only
// keeps the jobs of successive dunning attempts apart (jobs are unique by
// their arguments); what is charged is decided from the store.
type RenewArgs struct {
	SubscriptionID string `json:"subscriptionId"`
	Period         int    `json:"period"`
	Attempt        int    `json:"attempt"`
}

// Kind implements paydeck.JobArgs.
func (RenewArgs) Kind() string { return "subscription_renew" }

// ScanArgs asks for Scan: enqueue the renewals due.
type ScanArgs struct{}

// Kind implements paydeck.JobArgs.
func (ScanArgs) Kind() string { return "subscription_scan" }

// RefundArgs asks for RefundUnused of a canceled subscription: Period 0
// is the current period, prorated; another period is refunded in full.
type RefundArgs struct {
	SubscriptionID string `json:"subscriptionId"`
	Period         int    `json:"period,omitempty"`
}

// Kind implements paydeck.JobArgs.
func (RefundArgs) Kind() string { return "subscription_refund" }
