-- Nodes (issue 14): the hosts devices run on. A device may belong to one; devices without a node
-- (a cloud provider's) are placed as if on a node of their own, always schedulable.
CREATE TABLE device_nodes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9.-]{0,62}$'),
  region text NOT NULL CHECK (region ~ '^[a-z][a-z0-9-]{0,62}$'),
  -- schedulable: takes new allocations; maintenance: takes none, keeps its devices;
  -- draining: takes none, and its devices leave (are retired) as their allocations end.
  state text NOT NULL DEFAULT 'schedulable' CHECK (state IN ('schedulable', 'maintenance', 'draining')),
  cpu_cores integer NOT NULL CHECK (cpu_cores BETWEEN 1 AND 100000),
  memory_mb bigint NOT NULL CHECK (memory_mb BETWEEN 256 AND 1073741824),
  storage_gb bigint NOT NULL CHECK (storage_gb BETWEEN 1 AND 1073741824),
  max_devices integer NOT NULL CHECK (max_devices BETWEEN 1 AND 100000),
  -- {"gpu": "true", "zone": "a"}: matched by allocation requirements' nodeLabels.
  labels jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(labels) = 'object'),
  -- [{"key", "value"?, "effect": NoSchedule|PreferNoSchedule}]: only tolerating requests land here.
  taints jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(taints) = 'array'),
  -- What an hour of a device here costs the operator (minor units): the `cost` policy prefers less.
  cost_per_hour_minor bigint NOT NULL DEFAULT 0 CHECK (cost_per_hour_minor BETWEEN 0 AND 1000000000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE devices ADD COLUMN node_id uuid REFERENCES device_nodes (id);
-- Placement takes the first free devices of each ranked node by this index, never the whole pool.
CREATE INDEX devices_node_free_idx ON devices (node_id, cpu_cores, memory_mb, storage_gb, id)
  WHERE status = 'available' AND health = 'healthy' AND held_by IS NULL;
CREATE INDEX devices_node_status_idx ON devices (node_id, status) WHERE node_id IS NOT NULL;

-- Named placement strategies; at most one is active (none active: spread).
CREATE TABLE scheduling_strategies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  policy text NOT NULL CHECK (policy IN ('spread', 'binpack', 'cost')),
  -- How much being on the node of the user's previous device counts, against the policy's 0–1 score.
  affinity_weight numeric(5, 2) NOT NULL DEFAULT 0.3 CHECK (affinity_weight BETWEEN 0 AND 10),
  description text CHECK (length(description) <= 500),
  active boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scheduling_strategies_one_active ON scheduling_strategies ((true)) WHERE active;

-- node-resource-monitor: one sample per node per minute, for usage trends.
CREATE TABLE node_usage_samples (
  node_id uuid NOT NULL REFERENCES device_nodes (id) ON DELETE CASCADE,
  sampled_at timestamptz NOT NULL,
  devices integer NOT NULL,
  allocated integer NOT NULL,
  available integer NOT NULL,
  failed integer NOT NULL,
  cpu_cores_used integer NOT NULL,
  memory_mb_used bigint NOT NULL,
  PRIMARY KEY (node_id, sampled_at)
);

-- device-lifecycle-cleanup: when a retired device's leftovers at its provider were last destroyed.
ALTER TABLE devices ADD COLUMN leftovers_cleared_at timestamptz;
CREATE INDEX devices_retired_uncleared_idx ON devices (updated_at) WHERE status = 'retired' AND leftovers_cleared_at IS NULL;
