// Package paydeck is the domain of paydeck, a payment backend for Korean shops
// on Toss Payments.
//
// The package holds the domain types (Product, PaymentMethod, Order,
// OrderItem, Payment, PaymentEvent, Refund, User, Webhook,
// ReconciliationReport), their status enums with every allowed transition,
// the money rules (order totals, method fees, refund limits), the one error
// type with its closed set of codes, and the Store/Tx contract that the
// adapters in store/sqlite and store/postgres implement.
//
// Money is int64 Korean won (KRW has no minor unit); nothing here uses float.
// Nothing here reads the wall clock or a global random source: functions that
// need the time or randomness take them as arguments.
//
// The package imports only the standard library.
package paydeck
