-- An allocation of a user who is suspended ends with its own reason (user-service's
-- `user.suspended`), as one of a deleted user ends with `user_deleted`.
ALTER TABLE device_allocations DROP CONSTRAINT device_allocations_end_reason_check;
ALTER TABLE device_allocations ADD CONSTRAINT device_allocations_end_reason_check
  CHECK (end_reason IN ('released', 'expired', 'user_deleted', 'user_suspended', 'account_overdue', 'device_failed', 'admin'));
