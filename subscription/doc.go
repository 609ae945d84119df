// Package subscription runs recurring billing (정기결제) on Toss billing
// keys: plans, sign-up from the billing window's authKey, renewals that
// charge each (subscription, period) exactly once, dunning, self-service
// (change card, cancel now or at period end, resume) and Toss's
// BILLING_DELETED webhook.
//
// Each charge is an order and a payment made by package payment
// (StartBillingCharge, RecordBillingCharge), so orderIds, audit events,
// refunds, settlement and reconciliation apply to renewals as to any order.
//
// Exactly once. A period's charge is one row, unique per (subscription,
// period) in the store; it is created, with its order and payment, in one
// transaction under the subscription's row lock. Every attempt at a period
// has its own order (a new orderId for Toss) and an Idempotency-Key derived
// from (subscription, period, attempt); a new attempt starts only after the
// previous one was recorded as declined. An attempt whose answer was lost
// (timeout, crash, a killed process) stays pending: it is settled by
// looking the orderId up at Toss and, when Toss has no payment for it,
// sending the same charge again with the same Idempotency-Key, so Toss
// either replays its first answer or performs it once.
//
// Scheduling. Scan (a River periodic job) enqueues one Renew job per due
// (subscription, period, attempt), unique by its arguments, and one for
// every charge left pending longer than CheckDelay.
//
// Dunning. A declined renewal makes the subscription past_due and schedules
// retries RetryAfter the period's due time (default +1, +3, +5 days); after
// the last declined retry it is canceled. A card update while past_due
// charges at once.
//
// Cancellation. Cancel at period end stops renewals (the subscription
// expires when the period ends; Resume undoes it before then). Cancel now
// ends the subscription at once and refunds the unused part of the current
// paid period: amount × unused whole days ÷ days in the period, rounded
// down to the won (a trial or an unpaid period refunds nothing).
//
// Secrets. Billing keys are sealed with AES-256-GCM under a key derived
// from PAYDECK_SECRET before they reach the store; they are unsealed only
// to send a charge or a delete, and never logged or returned.
//
// State changes. Every change of a subscription goes through Service.changed
// (or, at sign-up, Service.create) in the transaction that makes it, and
// calls Config.OnChange there; paydeck sets it to outbound.SubscriptionHook,
// which stores the outbound subscription.* event and queues its
// deliveries in that transaction.
package subscription
