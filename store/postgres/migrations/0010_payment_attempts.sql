-- A payment remembers the orderId it was made with at Toss: an order whose
-- virtual account was cancelled is paid again under a new orderId
-- ("{orderId}-{n}", Toss refuses to reuse one), so one order may have
-- several. '' for payments made before: their order's orderId.
ALTER TABLE payments ADD COLUMN toss_order_id text NOT NULL DEFAULT '';
