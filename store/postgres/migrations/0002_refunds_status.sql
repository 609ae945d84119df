-- The sweep looks for refunds left in progress (a crash or a lost answer
-- between recording a refund and recording Toss's answer) by status and age.
CREATE INDEX refunds_status_created_at ON refunds (status, created_at);
