-- Who did what: an audit event names the account (users.id) whose request
-- caused it; '' for the system (jobs, webhooks) and for events made before.
-- No foreign key: the trail outlives a deleted account.
ALTER TABLE payment_events ADD COLUMN actor_id text NOT NULL DEFAULT '';
-- Toss's receipt page of a payment (the receipt.url of its Payment object),
-- linked from the shopper's receipt and the admin's order page; '' when
-- Toss gave none yet.
ALTER TABLE payments ADD COLUMN receipt_url text NOT NULL DEFAULT '';
