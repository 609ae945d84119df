-- A new order reads its customer's unpaid orders (the hold limits of
-- issue 13, Tx.LockUserWithPendingOrders). Through orders_user_id_created_at
-- that read walked every order the customer ever placed, so it grew with
-- their history; this index holds only the unpaid ones (issue 18).

CREATE INDEX orders_pending_user ON orders (user_id, created_at) WHERE status = 'pending';
