-- Meters from device-service's list (issue 11): the meter-running-allocations job now asks
-- device-service which allocations are active and slices only those, so billing no longer consumes
-- `device.released` / `allocation.expired` and learns no end. An allocation missing from the list has
-- ended (or not started a slice ago) and is not sliced; its usage report charges the rest as before.
-- The job reads the listed meters by primary key, so the partial index of open meters goes with the
-- column (DROP COLUMN drops it).
ALTER TABLE running_allocations DROP COLUMN ended_at;
