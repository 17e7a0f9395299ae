-- The device pool. Rental state lives in allocations; a device row says what the device is and
-- whether it can be rented at all.
CREATE TABLE devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider text NOT NULL,
  provider_device_id text NOT NULL,
  region text NOT NULL,
  android_version text NOT NULL,
  cpu_cores integer NOT NULL CHECK (cpu_cores BETWEEN 1 AND 128),
  memory_mb integer NOT NULL CHECK (memory_mb BETWEEN 256 AND 1048576),
  storage_gb integer NOT NULL CHECK (storage_gb BETWEEN 1 AND 65536),
  status text NOT NULL DEFAULT 'available'
    CHECK (status IN ('provisioning', 'available', 'maintenance', 'failed', 'retired')),
  health text NOT NULL DEFAULT 'healthy' CHECK (health IN ('healthy', 'degraded', 'unhealthy', 'unknown')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT devices_provider_device_key UNIQUE (provider, provider_device_id)
);

CREATE INDEX devices_created_at_idx ON devices (created_at DESC, id);
CREATE INDEX devices_rentable_idx ON devices (region, cpu_cores, memory_mb) WHERE status = 'available';
