-- Per-node providers (issue 14): a node may run its devices at a provider of its own (for Redroid,
-- a Docker host of its own) instead of the deployment's DEVICE_PROVIDER. NULL: the deployment's.
-- The settings are checked by the service (provider-settings.ts); the database keeps their shape.
ALTER TABLE device_nodes
  ADD COLUMN provider text CHECK (provider IN ('simulated', 'redroid')),
  ADD COLUMN provider_settings jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(provider_settings) = 'object' AND pg_column_size(provider_settings) <= 8192),
  ADD CONSTRAINT device_nodes_settings_need_provider
    CHECK (provider IS NOT NULL OR provider_settings = '{}'::jsonb);

-- Orphans are noted per place devices live (`simulated`, `redroid:<docker url>`), no longer per
-- provider name: two Docker hosts each list only their own containers.
COMMENT ON COLUMN provider_orphans.provider IS 'the place listed: provider name, or redroid:<docker url>';
