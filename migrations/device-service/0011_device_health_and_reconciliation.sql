-- Health (issue 14): device-health-check probes available and allocated devices through their
-- provider; consecutive failures are counted here, and the statement that counts the Nth one also
-- fails the device (and writes device.failed), so a device fails exactly once per outage.
ALTER TABLE devices ADD COLUMN health_failures integer NOT NULL DEFAULT 0 CHECK (health_failures >= 0);

-- Reconciliation: devices the provider holds that the pool does not know. One is destroyed only
-- once it has been seen for longer than a creation may take (it may be a device being created
-- right now, not yet recorded), and forgotten when it disappears by itself.
CREATE TABLE provider_orphans (
  provider text NOT NULL,
  provider_device_id text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, provider_device_id)
);
