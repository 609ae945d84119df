package paydeck

import (
	"context"
	"time"
)

// Store is paydeck's database. Every state change that belongs together runs
// in one Update; reads run in View. Implementations: store/sqlite and
// store/postgres (opened through store.Open), checked by one conformance suite
// in store/storetest.
type Store interface {
	// Update runs fn in one read-write transaction and commits it iff fn
	// returns nil; otherwise it rolls back and returns fn's error unchanged.
	// Jobs enqueued through the Tx exist iff the transaction commits.
	//
	// On PostgreSQL a serialization failure or deadlock rolls back and runs fn
	// again (a few times, with a new Tx), so fn must have no effects outside
	// the Tx (no network calls, no writes to captured variables that a second
	// run would double). On SQLite write transactions are serialized (BEGIN
	// IMMEDIATE on one writer connection), so fn runs once.
	Update(ctx context.Context, fn func(tx Tx) error) error

	// View runs fn in a read-only transaction with a consistent snapshot and
	// returns fn's error. Writes inside fn fail.
	View(ctx context.Context, fn func(tx Tx) error) error

	// Ping checks that the database answers; it returns an unavailable *Error
	// when it does not.
	Ping(ctx context.Context) error

	// Close releases the database handles. Stop jobs first.
	Close() error
}

// Tx is one store transaction. It is only valid inside the Update or View
// callback that received it and must not be used from several goroutines.
//
// Errors: methods return *Error values with code not_found (FindXxxByID,
// LockXxx and UpdateXxx of a missing row, or an ID that is not a UUID),
// conflict (a unique value already taken, a stock reservation that does not
// fit, a foreign key to a missing row), invalid (Validate failed) or
// internal/unavailable (database failure).
//
// After a write method fails, return its error from the callback: on
// PostgreSQL the transaction is aborted and further statements fail.
// CreateRefund is the exception (a duplicate key leaves the transaction
// usable). Never call Update or View inside a callback: on SQLite the single
// writer connection would deadlock.
//
// FindXxxs methods return the matching page (Offset, Limit; Limit ≤ 0 means
// no limit) and the total number of matches ignoring Offset and Limit.
type Tx interface {
	// Now is the transaction's time: read once from the store's clock when
	// the transaction began, in UTC, truncated to microseconds (the precision
	// both engines store). Create and Update methods stamp CreatedAt and
	// UpdatedAt with it.
	Now() time.Time

	// CreateUser validates u, lower-cases u.Email, assigns u.ID and the
	// timestamps, and inserts it. A taken email returns conflict.
	CreateUser(ctx context.Context, u *User) error
	// FindUserByID returns the user with the given ID or not_found.
	FindUserByID(ctx context.Context, id string) (*User, error)
	// FindUserByEmail returns the user whose email equals NormalizeEmail(email)
	// or not_found.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// LockUser locks the user's row until the transaction ends (see
	// LockOrderByID), so that checks over all of a user's records (say, their
	// unpaid orders) hold against concurrent transactions; not_found when
	// there is no such user.
	LockUser(ctx context.Context, id string) error
	// FindUsers returns users matching filter, oldest first.
	FindUsers(ctx context.Context, filter UserFilter) ([]*User, int, error)
	// UpdateUser validates u and writes its email (lower-cased), password
	// hash, name and role; it sets u.UpdatedAt. A taken email returns conflict.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser deletes the user and their sessions; not_found for a
	// missing user, conflict when orders still reference them.
	DeleteUser(ctx context.Context, id string) error

	// CreateSession inserts s (ID, UserID, Kind and the three times set by
	// the caller); a missing user returns conflict.
	CreateSession(ctx context.Context, s *Session) error
	// FindSessionByID returns the session or not_found.
	FindSessionByID(ctx context.Context, id string) (*Session, error)
	// TouchSession sets the session's SeenAt; not_found when it is gone.
	TouchSession(ctx context.Context, id string, seenAt time.Time) error
	// DeleteSession deletes one session (no error when it is already gone).
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions deletes every session of the user and returns how
	// many there were.
	DeleteUserSessions(ctx context.Context, userID string) (int64, error)
	// DeleteExpiredSessions deletes the sessions that expired before t and
	// returns how many there were.
	DeleteExpiredSessions(ctx context.Context, t time.Time) (int64, error)

	// CreateProduct validates p, assigns p.ID and the timestamps, and inserts it.
	CreateProduct(ctx context.Context, p *Product) error
	// FindProductByID returns the product with the given ID or not_found.
	FindProductByID(ctx context.Context, id string) (*Product, error)
	// FindProducts returns products matching filter, oldest first.
	FindProducts(ctx context.Context, filter ProductFilter) ([]*Product, int, error)
	// UpdateProduct validates p and writes every field but ID and CreatedAt;
	// it sets p.UpdatedAt. Use ReserveStock/ReleaseStock for order-driven
	// stock changes: they are safe under concurrency, this is not.
	UpdateProduct(ctx context.Context, p *Product) error
	// ReserveStock takes qty (> 0) units of the product: one conditional
	// UPDATE that never lets the stock go negative. It returns conflict when
	// fewer than qty units are left or the product is inactive, not_found for
	// a missing product. Digital products have no stock limit (nothing changes).
	ReserveStock(ctx context.Context, productID string, qty int64) error
	// TakeStock is ReserveStock in one statement that also returns the
	// product as it is after the reservation (UPDATE … RETURNING): no read
	// before the write. When it refuses (conflict: inactive, or fewer than
	// qty left) it returns the product as read with the error; not_found
	// for a missing product.
	TakeStock(ctx context.Context, productID string, qty int64) (*Product, error)
	// TakeStockFor is TakeStock for a new order of user userID: the same
	// statement also reads what the user already holds unpaid (Unpaid, for
	// productID), after locking the user's row the first time in the
	// transaction (LockUser), so that one user's orders are checked one
	// after the other. A refusal (conflict, or not_found with Reason
	// ReasonProductNotFound) comes with Unpaid as well. A missing user is
	// not_found (without that Reason) and nothing is returned.
	TakeStockFor(ctx context.Context, userID, productID string, qty int64) (*Product, Unpaid, error)
	// ReleaseStock gives qty (> 0) units back to a physical product's stock
	// (no-op for digital products); not_found for a missing product.
	ReleaseStock(ctx context.Context, productID string, qty int64) error
	// LockProductByID is FindProductByID with the row lock of LockOrderByID:
	// read-change-write of a product under it cannot undo a reservation.
	LockProductByID(ctx context.Context, id string) (*Product, error)
	// AdjustStock adds a.Delta (≠ 0) to a physical product's stock in one
	// conditional UPDATE and records a (assigning ID, StockAfter, CreatedAt).
	// It returns invalid for a zero delta, a reason not of 1 to 200
	// characters or a digital product, conflict when the stock would go
	// below zero, not_found for a missing product.
	AdjustStock(ctx context.Context, a *StockAdjustment) error
	// FindStockAdjustments returns the product's adjustments, newest first.
	FindStockAdjustments(ctx context.Context, productID string) ([]*StockAdjustment, error)
	// SetProductImage stores img as the product's one image (replacing any
	// earlier one), assigns img.CreatedAt and points the product's ImageURL
	// at img.URL(); not_found for a missing product.
	SetProductImage(ctx context.Context, img *ProductImage) error
	// FindProductImage returns the product's uploaded image or not_found.
	FindProductImage(ctx context.Context, productID string) (*ProductImage, error)
	// DeleteProductImage removes the product's uploaded image and clears
	// its ImageURL when it points there; not_found when there is none.
	DeleteProductImage(ctx context.Context, productID string) error
	// FindProductCategories returns the distinct non-empty categories of
	// the products filter selects (its Category, Offset and Limit ignored),
	// sorted.
	FindProductCategories(ctx context.Context, filter ProductFilter) ([]string, error)

	// CreatePaymentMethod validates m, assigns m.ID and the timestamps, and
	// inserts it. A type already present returns conflict.
	CreatePaymentMethod(ctx context.Context, m *PaymentMethod) error
	// FindPaymentMethodByID returns the method with the given ID or not_found.
	FindPaymentMethodByID(ctx context.Context, id string) (*PaymentMethod, error)
	// FindPaymentMethods returns methods matching filter by DisplayOrder.
	FindPaymentMethods(ctx context.Context, filter PaymentMethodFilter) ([]*PaymentMethod, int, error)
	// UpdatePaymentMethod validates m and writes every field but ID and
	// CreatedAt; it sets m.UpdatedAt.
	UpdatePaymentMethod(ctx context.Context, m *PaymentMethod) error

	// CreateOrder validates o, generates o.OrderID when empty (NewOrderID at
	// Now), assigns IDs and timestamps to o and its items, and inserts the
	// order with its items. It does not touch stock: call ReserveStock in the
	// same Update. A taken OrderID returns conflict, a missing user or
	// product conflict.
	CreateOrder(ctx context.Context, o *Order) error
	// FindOrderByID returns the order (with items) by internal ID or not_found.
	FindOrderByID(ctx context.Context, id string) (*Order, error)
	// FindOrderByOrderID returns the order (with items) by public orderId or
	// not_found.
	FindOrderByOrderID(ctx context.Context, orderID string) (*Order, error)
	// LockOrderByID is FindOrderByID that also locks the order row until the
	// transaction ends (SELECT … FOR UPDATE on PostgreSQL; SQLite write
	// transactions are serialized already). Use it on every money path.
	LockOrderByID(ctx context.Context, id string) (*Order, error)
	// LockOrderByOrderID is FindOrderByOrderID with the row lock of LockOrderByID.
	LockOrderByOrderID(ctx context.Context, orderID string) (*Order, error)
	// FindOrders returns orders (with items) matching filter, newest first.
	FindOrders(ctx context.Context, filter OrderFilter) ([]*Order, int, error)
	// FindCustomers returns customers matching filter with their order
	// figures, computed in SQL: the latest orderer first, customers who never
	// ordered last (newest account first).
	FindCustomers(ctx context.Context, filter CustomerFilter) ([]*Customer, int, error)
	// UpdateOrder validates o and writes its status, amounts, shipping
	// fields and timestamps (items are immutable); it sets o.UpdatedAt.
	UpdateOrder(ctx context.Context, o *Order) error

	// CreateShipment validates s, assigns s.ID and s.CreatedAt, and inserts
	// it. It does not check s against the order's items: the caller does.
	CreateShipment(ctx context.Context, s *Shipment) error
	// FindShipments returns the shipments of the order (internal ID),
	// oldest first.
	FindShipments(ctx context.Context, orderID string) ([]*Shipment, error)
	// CreateReturnRequest validates r, assigns r.ID and the timestamps, and
	// inserts it.
	CreateReturnRequest(ctx context.Context, r *ReturnRequest) error
	// FindReturnRequestByID returns the return or not_found.
	FindReturnRequestByID(ctx context.Context, id string) (*ReturnRequest, error)
	// FindReturnRequests returns returns matching filter, oldest first.
	FindReturnRequests(ctx context.Context, filter ReturnFilter) ([]*ReturnRequest, int, error)
	// UpdateReturnRequest validates r and writes its status, refuse reason,
	// restock, amounts, refund and DecidedAt; it sets r.UpdatedAt. Lock the
	// order first: returns change under their order's lock.
	UpdateReturnRequest(ctx context.Context, r *ReturnRequest) error
	// CreateCoupon validates c, assigns c.ID and the timestamps, and
	// inserts it. A code a live coupon already has returns conflict.
	CreateCoupon(ctx context.Context, c *Coupon) error
	// FindCouponByCode returns the live coupon with NormalizeCouponCode(code)
	// or not_found.
	FindCouponByCode(ctx context.Context, code string) (*Coupon, error)
	// FindCoupons returns live coupons matching filter, newest first.
	FindCoupons(ctx context.Context, filter CouponFilter) ([]*Coupon, int, error)
	// UpdateCoupon validates c and writes every field but ID, Uses and
	// CreatedAt; it sets c.UpdatedAt. A taken code returns conflict.
	UpdateCoupon(ctx context.Context, c *Coupon) error
	// DeleteCoupon deletes the live coupon with the code: it can no longer
	// be found or used, its code is free again, and orders keep their
	// CouponCode; not_found when there is none.
	DeleteCoupon(ctx context.Context, code string) error
	// UseCoupon records u (CouponID, Code, OrderID, UserID, DiscountAmount
	// set by the caller; CreatedAt assigned) and counts it against the
	// coupon's limits: one conditional UPDATE of the coupon's use counter,
	// so concurrent transactions never exceed UsageLimit. PerCustomerLimit
	// counts the user's unreleased uses; lock the user first (LockUser) so
	// that a user's concurrent orders are counted one after the other.
	// Returns a *CouponError: limit_reached, customer_limit, or unknown for
	// a deleted coupon; conflict when the order already has a use.
	UseCoupon(ctx context.Context, u *CouponUse) error
	// ReleaseCouponUse gives the order's (internal ID) coupon use back: it
	// sets ReleasedAt and decrements the coupon's use counter. It reports
	// whether there was an unreleased use.
	ReleaseCouponUse(ctx context.Context, orderID string) (bool, error)
	// CountCouponUses returns how many unreleased uses of the coupon the
	// user holds.
	CountCouponUses(ctx context.Context, couponID, userID string) (int64, error)
	// FindCouponUse returns the order's coupon use (released or not) or
	// not_found.
	FindCouponUse(ctx context.Context, orderID string) (*CouponUse, error)

	// CreatePayment validates p, assigns p.ID and the timestamps, and inserts
	// it. A taken PaymentKey returns conflict, a missing order conflict.
	CreatePayment(ctx context.Context, p *Payment) error
	// FindPaymentByID returns the payment by internal ID or not_found.
	FindPaymentByID(ctx context.Context, id string) (*Payment, error)
	// FindPaymentByKey returns the payment with Toss's paymentKey or not_found.
	FindPaymentByKey(ctx context.Context, paymentKey string) (*Payment, error)
	// LockPaymentByID is FindPaymentByID with a row lock (see LockOrderByID).
	LockPaymentByID(ctx context.Context, id string) (*Payment, error)
	// LockPaymentByKey is FindPaymentByKey with a row lock (see LockOrderByID).
	LockPaymentByKey(ctx context.Context, paymentKey string) (*Payment, error)
	// LockPaymentAndOrder locks the payment (internal ID) and its order, the
	// order first as on every money path, and returns both in one
	// statement, the order with its items and coupon code; the same
	// statement reads the order's user, which FindUserByID then returns
	// without another. not_found when there is no such payment.
	//
	// A transaction remembers the orders and payments it locked or wrote:
	// finding or locking one of them again costs no statement (items are
	// loaded once, on first need).
	LockPaymentAndOrder(ctx context.Context, paymentID string) (*Order, *Payment, error)
	// CreatePaymentIfPayable inserts p, an in-progress payment of the order
	// whose public orderId is orderID, in one statement that also checks
	// the order: it belongs to userID, is pending and has not expired at the
	// transaction's time, its FinalAmount is p.Amount, and none of its
	// payments holds p.PaymentKey or stands in the way of a new one (each is
	// aborted, expired, or a virtual account cancelled before any deposit);
	// the key must be free. Then it sets p.OrderID, p.ExpiresAt (the
	// order's), p.ID and the timestamps and reports true. Otherwise it writes
	// nothing and reports false, and the caller reads the order to name the
	// refusal (LockOrderWithPayments). The order is locked first, as by
	// LockOrderWithPayments, so the check sees any payment the lock's
	// previous holder created.
	CreatePaymentIfPayable(ctx context.Context, orderID, userID string, p *Payment) (bool, error)
	// UpdatePaymentIfUnchanged is UpdatePayment for a payment the caller
	// read in an earlier transaction: it writes p only if p's row was last
	// written at since (its UpdatedAt then), and returns its order as
	// LockPaymentAndOrder does (with items and coupon code, the user read
	// along, both held by the transaction). When the row has changed
	// (or is gone) it writes nothing and reports false, and the caller takes
	// the locked path. On SQLite it is one statement.
	UpdatePaymentIfUnchanged(ctx context.Context, p *Payment, since time.Time) (*Order, bool, error)
	// LockOrderWithPayments is LockOrderByOrderID (public orderId) that
	// returns the order without its items (nil) and, from the same
	// statement, its payments newest first (not locked).
	LockOrderWithPayments(ctx context.Context, orderID string) (*Order, []*Payment, error)
	// FindPayments returns payments matching filter, newest first.
	FindPayments(ctx context.Context, filter PaymentFilter) ([]*Payment, int, error)
	// UpdatePayment validates p and writes every field but ID, OrderID and
	// CreatedAt; it sets p.UpdatedAt. A taken PaymentKey returns conflict.
	UpdatePayment(ctx context.Context, p *Payment) error

	// CreateRefund validates r, generates r.IdempotencyKey when empty, assigns
	// r.ID and the timestamps, and inserts it. A key already used for the
	// same payment returns conflict; then FindRefundByKey returns the first.
	CreateRefund(ctx context.Context, r *Refund) error
	// FindRefundByID returns the refund with the given ID or not_found.
	FindRefundByID(ctx context.Context, id string) (*Refund, error)
	// FindRefundByKey returns the payment's refund with the given idempotency
	// key or not_found.
	FindRefundByKey(ctx context.Context, paymentID, key string) (*Refund, error)
	// FindRefunds returns refunds matching filter, oldest first.
	FindRefunds(ctx context.Context, filter RefundFilter) ([]*Refund, int, error)
	// UpdateRefund validates r and writes its status, transaction key, error
	// code and message, account and CompletedAt; it sets r.UpdatedAt.
	UpdateRefund(ctx context.Context, r *Refund) error

	// AppendEvent validates e, assigns e.ID and e.CreatedAt (Now), and
	// appends it to the audit trail. No method changes or removes an event.
	AppendEvent(ctx context.Context, e *PaymentEvent) error
	// FindEvents returns events matching filter in append order.
	FindEvents(ctx context.Context, filter EventFilter) ([]*PaymentEvent, int, error)

	// CreateWebhook assigns w.ID and w.ReceivedAt (Now) and records the
	// delivery.
	CreateWebhook(ctx context.Context, w *Webhook) error
	// CreatePaymentWebhook records w as processed now, with the result
	// t says, when no payment has t.PaymentKey or the payment has one of
	// t's unchanged statuses, and reports whether it did (then w.ID,
	// w.ReceivedAt, w.ProcessedAt and w.Result are set); otherwise it
	// writes nothing. Reading the payment and recording w are one
	// statement: a delivery that needs no processing costs no read of its
	// own.
	CreatePaymentWebhook(ctx context.Context, w *Webhook, t PaymentWebhookTriage) (bool, error)
	// FindWebhookByID returns the recorded delivery or not_found.
	FindWebhookByID(ctx context.Context, id int64) (*Webhook, error)
	// FindWebhooks returns deliveries matching filter in receive order.
	FindWebhooks(ctx context.Context, filter WebhookFilter) ([]*Webhook, int, error)
	// UpdateWebhook writes w.ProcessedAt and w.Result (body and headers are
	// immutable).
	UpdateWebhook(ctx context.Context, w *Webhook) error
	// DeleteWebhooks removes up to limit processed deliveries whose
	// ProcessedAt is before processedBefore, oldest first, and returns how
	// many it removed. Pending deliveries are never removed.
	DeleteWebhooks(ctx context.Context, processedBefore time.Time, limit int) (int, error)

	// CreateReconciliationReport validates r, assigns r.ID and r.CreatedAt
	// (Now), and inserts it.
	CreateReconciliationReport(ctx context.Context, r *ReconciliationReport) error
	// FindReconciliationReports returns reports matching filter, newest first.
	FindReconciliationReports(ctx context.Context, filter ReconciliationReportFilter) ([]*ReconciliationReport, int, error)

	// CreateOutboundEvent inserts e (ID, Type, Body and CreatedAt set by
	// the caller) and assigns e.Seq. A taken ID, or a SourceEventID that
	// already has an event, returns conflict.
	CreateOutboundEvent(ctx context.Context, e *OutboundEvent) error
	// CreateOutboundEventFor is CreateOutboundEvent that also reads, in the
	// same statement, the IDs of the enabled endpoints that want the
	// event's type (WebhookEndpoint.Wants), oldest first, and calls then
	// with them once the row is written (e.Seq set). That is at once, or,
	// where the store holds writes back to send several as one statement,
	// at the transaction's next statement or before its commit; then may
	// call the Tx (to enqueue the deliveries), and its error, or the
	// insert's, fails the transaction.
	CreateOutboundEventFor(ctx context.Context, e *OutboundEvent, then func(endpointIDs []string) error) error
	// FindOutboundEventByID returns the event or not_found.
	FindOutboundEventByID(ctx context.Context, id string) (*OutboundEvent, error)
	// FindOutboundEvents returns events matching filter in Seq order.
	FindOutboundEvents(ctx context.Context, filter OutboundEventFilter) ([]*OutboundEvent, int, error)
	// CreateWebhookEndpoint validates e, assigns e.ID and the timestamps,
	// and inserts it.
	CreateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error
	// FindWebhookEndpointByID returns the endpoint or not_found.
	FindWebhookEndpointByID(ctx context.Context, id string) (*WebhookEndpoint, error)
	// FindWebhookEndpoints returns every endpoint, oldest first.
	FindWebhookEndpoints(ctx context.Context) ([]*WebhookEndpoint, error)
	// UpdateWebhookEndpoint validates e and writes every field but ID and
	// CreatedAt; it sets e.UpdatedAt.
	UpdateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error
	// CreateWebhookDelivery assigns d.ID and d.CreatedAt (Now) and records
	// the attempt.
	CreateWebhookDelivery(ctx context.Context, d *WebhookDelivery) error
	// FindWebhookDeliveries returns attempts matching filter, newest first.
	FindWebhookDeliveries(ctx context.Context, filter WebhookDeliveryFilter) ([]*WebhookDelivery, int, error)
	// CreateAPIKey validates k, assigns k.ID and k.CreatedAt, and inserts it.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// FindAPIKeyByID returns the key or not_found.
	FindAPIKeyByID(ctx context.Context, id string) (*APIKey, error)
	// FindAPIKeyByHash returns the key whose Hash is hash (revoked or not)
	// or not_found.
	FindAPIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// FindAPIKeys returns every key, newest first.
	FindAPIKeys(ctx context.Context) ([]*APIKey, error)
	// UpdateAPIKey writes k.LastUsedAt and k.RevokedAt.
	UpdateAPIKey(ctx context.Context, k *APIKey) error

	// CreatePlan validates p, assigns p.ID and the timestamps, and inserts
	// it. A missing product returns conflict.
	CreatePlan(ctx context.Context, p *Plan) error
	// FindPlanByID returns the plan with the given ID or not_found.
	FindPlanByID(ctx context.Context, id string) (*Plan, error)
	// FindPlans returns plans matching filter, oldest first.
	FindPlans(ctx context.Context, filter PlanFilter) ([]*Plan, int, error)
	// UpdatePlan validates p and writes every field but ID, ProductID and
	// CreatedAt; it sets p.UpdatedAt.
	UpdatePlan(ctx context.Context, p *Plan) error

	// CreateSubscription validates s, assigns s.ID and the timestamps, and
	// inserts it. A missing user or plan returns conflict.
	CreateSubscription(ctx context.Context, s *Subscription) error
	// FindSubscriptionByID returns the subscription or not_found.
	FindSubscriptionByID(ctx context.Context, id string) (*Subscription, error)
	// LockSubscriptionByID is FindSubscriptionByID with a row lock (see
	// LockOrderByID). Every change of a subscription takes it first.
	LockSubscriptionByID(ctx context.Context, id string) (*Subscription, error)
	// FindSubscriptions returns subscriptions matching filter, newest first.
	FindSubscriptions(ctx context.Context, filter SubscriptionFilter) ([]*Subscription, int, error)
	// UpdateSubscription validates s and writes every field but ID, UserID,
	// CustomerKey and CreatedAt; it sets s.UpdatedAt.
	UpdateSubscription(ctx context.Context, s *Subscription) error

	// CreateSubscriptionCharge validates c, assigns c.ID and the timestamps,
	// and inserts it. A charge of the same (subscription, period) returns
	// conflict: each period has one charge row, however many attempts.
	CreateSubscriptionCharge(ctx context.Context, c *SubscriptionCharge) error
	// FindSubscriptionCharge returns the charge of (subscriptionID, period)
	// or not_found.
	FindSubscriptionCharge(ctx context.Context, subscriptionID string, period int) (*SubscriptionCharge, error)
	// FindSubscriptionCharges returns charges matching filter, by
	// subscription and period.
	FindSubscriptionCharges(ctx context.Context, filter SubscriptionChargeFilter) ([]*SubscriptionCharge, int, error)
	// UpdateSubscriptionCharge validates c and writes its amount, status,
	// attempts, order and payment, failure, refunded amount and PaidAt; it
	// sets c.UpdatedAt.
	UpdateSubscriptionCharge(ctx context.Context, c *SubscriptionCharge) error

	// CreateOutboxMessage assigns m.CreatedAt (Now) and inserts m; then,
	// if not nil, is called once m.ID is assigned, as
	// CreateOutboundEventFor calls its then.
	CreateOutboxMessage(ctx context.Context, m *OutboxMessage, then func() error) error
	// FindOutboxMessageByID returns the message or not_found.
	FindOutboxMessageByID(ctx context.Context, id int64) (*OutboxMessage, error)
	// FindOutboxMessages returns messages matching filter, newest first.
	FindOutboxMessages(ctx context.Context, filter OutboxFilter) ([]*OutboxMessage, int, error)
	// UpdateOutboxMessage writes m.Status, m.Attempts, m.LastError and m.SentAt.
	UpdateOutboxMessage(ctx context.Context, m *OutboxMessage) error

	// Enqueue inserts a River job in this transaction: the job exists iff the
	// transaction commits. args is encoded as JSON; its Kind must have a
	// worker registered in the store's River workers (store.Options.Workers),
	// else Enqueue fails. opts may be nil. Jobs run once the store's jobs are
	// started; enqueueing works before that.
	Enqueue(ctx context.Context, args JobArgs, opts *JobOptions) error
}

// JobArgs is the payload of a background job: a JSON-encodable struct with a
// stable Kind that is never renamed once shipped. It has the method set of
// River's JobArgs, so the same type serves both.
type JobArgs interface {
	Kind() string
}

// JobOptions tune one Enqueue. Zero fields keep River's defaults.
type JobOptions struct {
	// Queue is the queue name; "" means River's default queue, the only
	// queue the store's workers work today.
	Queue string
	// ScheduledAt delays the job until then; zero means now.
	ScheduledAt time.Time
	// MaxAttempts bounds the attempts (including the first); 0 means the
	// default (25).
	MaxAttempts int
	// Priority is 1 (first) to 4; 0 means the default (1).
	Priority int
	// UniqueByArgs skips the insert when a job of the same kind and args is
	// already waiting, scheduled, running or retrying.
	UniqueByArgs bool
	// UniquePeriod, when set with UniqueByArgs, limits uniqueness to jobs
	// inserted in the same period of this length.
	UniquePeriod time.Duration
}

// UserFilter selects users; nil fields do not filter.
type UserFilter struct {
	ID *string
	// IDs matches any of these users (empty does not filter).
	IDs    []string
	Email  *string // compared after NormalizeEmail
	Role   *Role
	Offset int
	Limit  int
}

// ProductFilter selects products; nil or empty fields do not filter.
type ProductFilter struct {
	ID        *string
	IDs       []string
	IsActive  *bool
	IsDigital *bool
	// Search matches products whose name or description contains it,
	// case-insensitively for ASCII letters; LIKE wildcards in it are
	// literal.
	Search *string
	// Category selects the products of exactly this category ("" those
	// with none).
	Category *string
	Offset   int
	Limit    int
}

// PaymentMethodFilter selects payment methods; nil fields do not filter.
type PaymentMethodFilter struct {
	Type     *PaymentMethodType
	IsActive *bool
	Offset   int
	Limit    int
}

// OrderFilter selects orders; nil or empty fields do not filter.
type OrderFilter struct {
	ID      *string
	UserID  *string
	OrderID *string
	// Statuses matches orders in any of these statuses.
	Statuses []OrderStatus
	// ExpiresBefore matches orders with ExpiresAt < it (pair with
	// Statuses = pending to find orders to expire).
	ExpiresBefore *time.Time
	// CreatedFrom and CreatedBefore bound CreatedAt to [from, before).
	CreatedFrom   *time.Time
	CreatedBefore *time.Time
	// Search matches orders whose public orderId, shipping name, customer
	// email or customer name contains it (case-insensitively for ASCII
	// letters), or, for a term that looks like a phone number, whose
	// shipping phone contains its digits (SearchDigits; separators are
	// ignored on both sides). Blank matches every order.
	Search *string
	Offset int
	Limit  int
}

// PaymentFilter selects payments; nil or empty fields do not filter.
type PaymentFilter struct {
	ID *string
	// OrderID matches payments of this Order.ID (internal UUID).
	OrderID *string
	// Statuses matches payments in any of these statuses.
	Statuses []PaymentStatus
	Method   *PaymentMethodType
	// ExpiresBefore matches payments with ExpiresAt < it.
	ExpiresBefore *time.Time
	// DueBefore matches virtual-account payments whose due date is < it.
	DueBefore *time.Time
	// CreatedBefore matches payments with CreatedAt < it.
	CreatedBefore *time.Time
	// ApprovedFrom and ApprovedBefore bound ApprovedAt to [from, before).
	ApprovedFrom   *time.Time
	ApprovedBefore *time.Time
	Offset         int
	Limit          int
}

// RefundFilter selects refunds; nil or empty fields do not filter.
type RefundFilter struct {
	PaymentID *string
	Statuses  []RefundStatus
	// CreatedBefore matches refunds with CreatedAt < it.
	CreatedBefore *time.Time
	Offset        int
	Limit         int
}

// EventFilter selects audit events; nil fields do not filter.
type EventFilter struct {
	OrderID   *string
	PaymentID *string
	Type      *EventType
	Offset    int
	Limit     int
}

// WebhookFilter selects recorded webhook deliveries; nil fields do not filter.
type WebhookFilter struct {
	// Processed true matches processed deliveries, false pending ones.
	Processed *bool
	Offset    int
	Limit     int
}

// ReconciliationReportFilter selects reports; nil fields do not filter.
type ReconciliationReportFilter struct {
	Date   *string
	Offset int
	Limit  int
}

// PlanFilter selects plans; nil fields do not filter.
type PlanFilter struct {
	IsActive *bool
	Offset   int
	Limit    int
}

// SubscriptionFilter selects subscriptions; nil or empty fields do not
// filter.
type SubscriptionFilter struct {
	UserID *string
	PlanID *string
	// Statuses matches subscriptions in any of these statuses.
	Statuses []SubscriptionStatus
	// PeriodEndBefore matches subscriptions whose CurrentPeriodEnd < it
	// (pair with Statuses trialing, active to find renewals due).
	PeriodEndBefore *time.Time
	// RetryBefore matches subscriptions whose NextRetryAt < it.
	RetryBefore *time.Time
	// BillingKeyHash matches subscriptions with this BillingKeyHash.
	BillingKeyHash *string
	Offset         int
	Limit          int
}

// SubscriptionChargeFilter selects charges; nil or empty fields do not
// filter.
type SubscriptionChargeFilter struct {
	SubscriptionID *string
	Statuses       []ChargeStatus
	// UpdatedBefore matches charges with UpdatedAt < it.
	UpdatedBefore *time.Time
	Offset        int
	Limit         int
}
