// Package sandbox is an offline, stateful emulator of Toss Payments: the core
// API, the hosted payment window and SDK v2 script (browser.go), outbound
// webhooks, and a control API for tests. A Toss integration written from
// Toss's docs runs against it with only the base URLs changed.
//
// A Server is an http.Handler. Routes are relative to the handler root, so it
// can be mounted with http.StripPrefix (paydeck mounts it at /toss-sandbox).
// State lives in memory behind one mutex and is optionally persisted to a
// JSON file (Options.StatePath). Time (Options.Now plus an offset moved by
// the control API) and every generated ID (Options.Rand) are injectable, so
// tests are deterministic.
//
// # Merchant and keys
//
// One merchant (mId "tvivarepublica") with the two key pairs Toss publishes
// in its docs: DocsClientKey/DocsSecretKey (individual API, ck/sk) and
// WidgetClientKey/WidgetSecretKey (payment widget, gck/gsk). Both pairs see
// the same payments and orderIds; a payment authenticated with one family
// can only be confirmed with the same family (400 INVALID_API_KEY). Only
// these keys authenticate; any other key, a live key, or a client key used as
// a secret key gets 401 UNAUTHORIZED_KEY; a malformed Basic credential gets
// 403 INCORRECT_BASIC_AUTH_FORMAT.
//
// # Emulated
//
//   - POST /v1/payments/confirm: 10-minute session after authentication
//     (then 404 NOT_FOUND_PAYMENT_SESSION and EXPIRED), amount and orderId
//     checks, ALREADY_PROCESSED_PAYMENT on repeat; a virtual account chosen
//     in the window is confirmed into WAITING_FOR_DEPOSIT. The legacy path
//     POST /v1/payments/{paymentKey} with {orderId, amount} is the same
//     operation.
//   - GET /v1/payments/{paymentKey}, GET /v1/payments/orders/{orderId}.
//   - POST /v1/payments/{paymentKey}/cancel: full and partial cancels,
//     balanceAmount/suppliedAmount/vat/taxFreeAmount shrink, cancels[],
//     over-cancel (NOT_CANCELABLE_AMOUNT), ALREADY_CANCELED_PAYMENT,
//     FORBIDDEN_CONSECUTIVE_REQUEST within 1 s of sandbox time,
//     refundableAmount guard, virtual accounts (full cancel only before
//     deposit; refundReceiveAccount required and validated after deposit,
//     refundStatus PENDING then COMPLETED 2 days later).
//   - taxFreeAmount from the window (requestPayment's taxFreeAmount), the
//     control authorize and the API requests; vat and suppliedAmount on
//     the taxable part of the balance; partial cancels take their
//     taxFreeAmount (default 0), full cancels all that is left.
//   - Cash receipts asked for with a virtual account or transfer
//     (virtualAccount/transfer.cashReceipt {type, registrationNumber} in
//     the window, which lets the shopper change them; cashReceipt in POST
//     /v1/virtual-accounts and the control authorize): issued on deposit
//     or transfer approval, shown as the payment's cashReceipt and
//     cashReceipts, their cancelled part added by every cancel of the
//     payment; POST /v1/cash-receipts, partial and full
//     POST /v1/cash-receipts/{receiptKey}/cancel, GET /v1/cash-receipts.
//   - POST /v1/payments/key-in, POST /v1/virtual-accounts (validHours,
//     dueDate, bank codes or Korean names, expiry at the due date: expired
//     true, status stays WAITING_FOR_DEPOSIT, deposits refused).
//   - Billing: POST /v1/billing/authorizations/issue and /card, POST and
//     DELETE /v1/billing/{billingKey} (base64 keys with "+", "/", "=").
//   - GET /v1/transactions (startingAfter, limit), GET /v1/settlements
//     (dateType, page, size; listed from the day after; flat 3.2% BASE fee),
//     POST /v1/cash-receipts, POST /v1/cash-receipts/{receiptKey}/cancel,
//     GET /v1/cash-receipts (cursor, limit; IN_PROGRESS then COMPLETED a day
//     later).
//   - Validation of docs/toss.md#identifiers (orderId, orderName, amounts and minimums,
//     customer fields, card data) with Toss's codes and HTTP statuses, and
//     the {code, message} error body everywhere, unknown routes included.
//   - Idempotency-Key on every POST: keyed by secret key, method, URL and
//     key (not the body); the first response (errors too) is replayed for 15
//     days of sandbox time, except a passing failure injected by a fault (409,
//     429, 5xx), after which Toss has done nothing and a retry is processed;
//     409 IDEMPOTENT_REQUEST_PROCESSING while the first runs; 400
//     INVALID_IDEMPOTENCY_KEY beyond 300 characters.
//   - TossPayments-Test-Code: any code of docs/toss.md#errors answers with its status;
//     an unknown one gets 400 INVALID_TEST_CODE.
//   - Accept-Language: en-US: English error messages and English values for
//     what Toss chooses (method CARD, VIRTUAL_ACCOUNT…, cardType CREDIT,
//     ownerType PERSONAL/CORPORATE, accountType NORMAL/FIXED, easy-pay
//     provider and card company names); Korean otherwise. An idempotent
//     replay answers in the language of the first request. Webhooks, the
//     control API and the browser pages are Korean only.
//   - requestPayment's metadata (at most 5 pairs) is echoed in
//     Payment.metadata, every value as a string.
//   - Payment objects with Toss's fields: KST timestamps, receipt and
//     checkout URLs (under Options.PublicURL), card/easyPay/transfer/
//     mobilePhone/giftCertificate/virtualAccount sub-objects, vat =
//     round(taxable/11), 32-hex transaction keys, ps_ secrets; the receipt
//     links open a sandbox receipt page.
//   - Webhooks to Options.WebhookURL: PAYMENT_STATUS_CHANGED (DONE, ABORTED,
//     EXPIRED, CANCELED, PARTIAL_CANCELED, WAITING_FOR_DEPOSIT; none for
//     billing charges), DEPOSIT_CALLBACK (flat body) for virtual-account
//     changes, BILLING_DELETED, CANCEL_STATUS_CHANGED for asynchronous
//     cancels (made so by a fault); Toss's headers; retried 7 times after 1, 4,
//     16, 64, 256, 1024 and 4096 minutes of sandbox time until a 200 within
//     10 s.
//   - Control API under /v1/sandbox/ (same Basic auth): POST authorize,
//     POST billing/auth-keys, POST virtual-accounts/{paymentKey}/deposit,
//     POST clock/advance {"seconds":N} and GET clock, GET webhooks (every
//     attempt and the queue), POST webhooks/flush, GET/PUT/DELETE faults,
//     POST reset. clock/advance and webhooks/flush attempt every due webhook
//     before answering.
//   - Billing declines (PUT /v1/sandbox/billing/declines {billingKey or
//     customerKey, count, errorCode}; Server.DeclineBillingCharges): the
//     next count charges of that card answer 403 (REJECT_CARD_PAYMENT by
//     default) whatever their orderId, as a card company refusing renewals.
//   - Faults (PUT /v1/sandbox/faults {"faults":[…]}), global or for one
//     orderId, optionally for one operation, with a probability and a use
//     count: a forced error code (a 403 on confirm also aborts the payment),
//     added latency, a hang past the client's timeout, approve-then-drop (the
//     request is processed and stored for idempotent replay, then the
//     connection is cut), asynchronous cancels (cancelStatus IN_PROGRESS,
//     then DONE), duplicate, out-of-order and delayed webhooks.
//
// # What code written for the live API sends
//
// Requests shaped the way real clients shape them, and what the sandbox does
// with each; the source column names the section of docs/toss.md that gives
// Toss's public source, or says the behaviour is the sandbox's own choice
// where Toss documents none.
//
//	request shape                                   sandbox             source
//	----------------------------------------------  ------------------  ------------------------------
//	integer field as a JSON string ("50000")        accepted            docs/toss.md#lenient-numbers
//	integer with zero fraction or exponent (5e4)    accepted            docs/toss.md#lenient-numbers
//	fraction, "12abc", "", " 5", "+5", bool         400 INVALID_REQUEST docs/toss.md#lenient-numbers
//	string field as a JSON integer (orderId: 71)    taken as "71"       docs/toss.md#lenient-numbers
//	unknown request fields                          ignored             docs/toss.md#versioning
//	POST /v1/payments/{paymentKey} {orderId,amount} confirm             docs/toss.md#legacy-confirm
//	Accept-Language: en-US (or en with q-values)    English answers     docs/toss.md#accept-language
//	header names in any case, "basic" scheme        accepted            RFC 9110 §5.1, §11.1
//	Content-Type with charset, or none at all       accepted            docs/toss.md#transport
//	a body or Content-Type on a GET                 ignored             docs/toss.md#transport
//	Idempotency-Key on GET (any length)             ignored             docs/toss.md#idempotency
//	trailing "/" or "//" in the path                same route          sandbox choice (undocumented)
//	percent-encoded path and query values           decoded             docs/toss.md#transport
//	date-times with +09:00, Z or fractions          same instant        docs/toss.md#request-dates
//	unencoded "+" of an offset in a query           read as "+"         docs/toss.md#request-dates
//	orderName of 100 Korean characters              accepted (runes)    docs/toss.md#identifiers
//	metadata values that are numbers or booleans    echoed as strings   docs/toss.md#payment-window
//	orderId with "="                                400 INVALID_ORDER_ID docs/toss.md#identifiers
//	TossPayments-API-Version header                 ignored             docs/toss.md#versioning
//
// # Not emulated
//
//   - API versions other than 2022-11-16 (TossPayments-API-Version is
//     ignored), v2 resource-style APIs (payouts, sellers), BrandPay,
//     promotions, POST /v1/payments (checkout by API), POST /v1/settlements,
//     escrow, foreign currencies and overseas easy pay (asynchronous
//     cancels exist only through the fault), cash-receipt failures (every
//     receipt completes a day after it is requested), discounts, card points,
//     metadata set through the control API, card-company rejections other
//     than by fault or test code, request enums in English (a VA's bank
//     must be a code or a Korean name),
//     deposit reversal, READY payments and their 30-minute window (the window
//     authenticates immediately), 429 rate limits, and the webhook silence of
//     Toss's documentation keys (the sandbox sends webhooks for them).
package sandbox
