-- Proxies as a product (issue 15): providers, rentals with a one-renter constraint, probes and
-- quality, spend and alerts. Money is integer micro-minor units (1,000,000 = one cent for USD),
-- as in billing's price plans; bounds keep every product of a rate and a duration inside a bigint.

-- Where proxies come from. `kind` picks the driver (manual: added by hand, probed over the network;
-- simulated: the seeded development vendor; webshare: Webshare's API). The API key is stored
-- encrypted (AES-256-GCM, key from VENDOR_CREDENTIALS_KEY), never in clear.
CREATE TABLE proxy_providers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
  kind text NOT NULL CHECK (kind IN ('manual', 'simulated', 'webshare')),
  enabled boolean NOT NULL DEFAULT true,
  api_url text CHECK (api_url IS NULL OR char_length(api_url) <= 2048),
  api_key_encrypted text,
  default_cost_per_gb_micros bigint NOT NULL DEFAULT 0 CHECK (default_cost_per_gb_micros BETWEEN 0 AND 999999999999),
  default_cost_per_hour_micros bigint NOT NULL DEFAULT 0 CHECK (default_cost_per_hour_micros BETWEEN 0 AND 999999999999),
  -- Spend per UTC day above which proxy-cost-monitor raises an alert; NULL: PROXY_DAILY_BUDGET_MICROS.
  daily_budget_micros bigint CHECK (daily_budget_micros IS NULL OR daily_budget_micros BETWEEN 0 AND 999999999999999),
  -- Rolling score (0-100) of its proxies' probes, kept by proxy-quality-scoring; rank by provider-ranking.
  quality_score smallint NOT NULL DEFAULT 100 CHECK (quality_score BETWEEN 0 AND 100),
  rank integer CHECK (rank IS NULL OR rank >= 1),
  last_imported_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT proxy_providers_name_key UNIQUE (name)
);

-- Rows of the first schema name their provider in free text: each becomes a manual provider.
INSERT INTO proxy_providers (name, kind)
SELECT DISTINCT provider, 'manual' FROM proxies
ON CONFLICT (name) DO NOTHING;

-- Quarantine is a time, not a status: a rented proxy that fails stays with its renter (the sticky
-- exit) while no new renter gets it, and it comes back by itself when the time passes.
UPDATE proxies SET status = 'available' WHERE status = 'unhealthy';

ALTER TABLE proxies
  DROP CONSTRAINT proxies_status_check,
  ADD CONSTRAINT proxies_status_check CHECK (status IN ('available', 'assigned', 'retired')),
  ADD CONSTRAINT proxies_provider_fkey FOREIGN KEY (provider) REFERENCES proxy_providers (name) ON UPDATE CASCADE,
  ADD COLUMN proxy_type text NOT NULL DEFAULT 'datacenter' CHECK (proxy_type IN ('residential', 'datacenter', 'mobile')),
  ADD COLUMN city text CHECK (city IS NULL OR char_length(city) BETWEEN 1 AND 100),
  ADD COLUMN username_encrypted text,
  ADD COLUMN password_encrypted text,
  ADD COLUMN cost_per_hour_micros bigint NOT NULL DEFAULT 0 CHECK (cost_per_hour_micros BETWEEN 0 AND 999999999999),
  -- The vendor's own id, so a second import updates instead of duplicating.
  ADD COLUMN external_id text CHECK (external_id IS NULL OR char_length(external_id) BETWEEN 1 AND 200),
  ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  ADD COLUMN quarantined_until timestamptz,
  ADD COLUMN last_probe_at timestamptz,
  ADD COLUMN last_probe_ok boolean,
  ADD COLUMN last_latency_ms integer CHECK (last_latency_ms IS NULL OR last_latency_ms >= 0),
  ADD CONSTRAINT proxies_cost_per_gb_bound CHECK (cost_per_gb_micros <= 999999999999);

CREATE UNIQUE INDEX proxies_provider_external_key ON proxies (provider, external_id) WHERE external_id IS NOT NULL;
DROP INDEX proxies_available_idx;
-- The acquire claim: free proxies of a country, best first.
CREATE INDEX proxies_available_idx ON proxies (country_code, proxy_type, quality_score DESC) WHERE status = 'available';
-- The probe's turn: least recently probed first.
CREATE INDEX proxies_probe_due_idx ON proxies (last_probe_at NULLS FIRST) WHERE status <> 'retired';

-- A rental: one user holds one proxy (a sticky exit) until expires_at, renewable.
CREATE TABLE proxy_rentals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  proxy_id uuid NOT NULL REFERENCES proxies (id),
  provider text NOT NULL,
  user_id uuid NOT NULL,
  tenant_id text NOT NULL CHECK (char_length(tenant_id) BETWEEN 1 AND 128),
  allocation_id uuid,
  started_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  end_reason text CHECK (end_reason IN ('released', 'expired', 'allocation_ended', 'user_gone', 'account_overdue', 'proxy_retired')),
  -- What the renter pays (cost plus markup) and what the platform pays, copied at the start.
  price_per_hour_micros bigint NOT NULL CHECK (price_per_hour_micros BETWEEN 0 AND 999999999999),
  price_per_gb_micros bigint NOT NULL CHECK (price_per_gb_micros BETWEEN 0 AND 999999999999),
  cost_per_hour_micros bigint NOT NULL CHECK (cost_per_hour_micros BETWEEN 0 AND 999999999999),
  cost_per_gb_micros bigint NOT NULL CHECK (cost_per_gb_micros BETWEEN 0 AND 999999999999),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  bytes_used bigint CHECK (bytes_used IS NULL OR bytes_used >= 0),
  charged_minor bigint CHECK (charged_minor IS NULL OR charged_minor >= 0),
  -- Set in the transaction that writes the billing outbox message: a rental is reported once.
  usage_reported_at timestamptz,
  CONSTRAINT proxy_rentals_period_check CHECK (expires_at > started_at AND (ended_at IS NULL OR ended_at >= started_at)),
  CONSTRAINT proxy_rentals_end_check CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
  CONSTRAINT proxy_rentals_report_check CHECK (usage_reported_at IS NULL OR ended_at IS NOT NULL)
);

-- A proxy is never rented twice at once, whatever the application does.
CREATE UNIQUE INDEX proxy_rentals_one_renter_per_proxy ON proxy_rentals (proxy_id) WHERE ended_at IS NULL;
CREATE INDEX proxy_rentals_live_expiry_idx ON proxy_rentals (expires_at) WHERE ended_at IS NULL;
CREATE INDEX proxy_rentals_live_allocation_idx ON proxy_rentals (allocation_id) WHERE ended_at IS NULL AND allocation_id IS NOT NULL;
CREATE INDEX proxy_rentals_live_user_idx ON proxy_rentals (user_id) WHERE ended_at IS NULL;
CREATE INDEX proxy_rentals_user_history_idx ON proxy_rentals (user_id, started_at DESC, id);
CREATE INDEX proxy_rentals_unreported_idx ON proxy_rentals (ended_at) WHERE ended_at IS NOT NULL AND usage_reported_at IS NULL;
CREATE INDEX proxy_rentals_provider_day_idx ON proxy_rentals (provider, started_at);

-- One row per probe, kept PROXY_PROBE_RETENTION_HOURS: the window the quality score is computed over.
CREATE TABLE proxy_probes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  proxy_id uuid NOT NULL REFERENCES proxies (id) ON DELETE CASCADE,
  probed_at timestamptz NOT NULL DEFAULT now(),
  ok boolean NOT NULL,
  latency_ms integer NOT NULL CHECK (latency_ms >= 0),
  error text CHECK (error IS NULL OR char_length(error) <= 300)
);

CREATE INDEX proxy_probes_proxy_idx ON proxy_probes (proxy_id, probed_at DESC);
CREATE INDEX proxy_probes_probed_at_idx ON proxy_probes (probed_at);

-- Alerts raised by jobs (a provider over its daily budget, a provider failing), one per subject
-- and UTC day, so a job that runs again, on any replica, does not raise it twice.
CREATE TABLE proxy_alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('budget_exceeded', 'provider_failing', 'pool_exhausted')),
  subject text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 200),
  day date NOT NULL,
  message text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 500),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  raised_at timestamptz NOT NULL DEFAULT now(),
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT proxy_alerts_once_per_day_key UNIQUE (kind, subject, day)
);

CREATE INDEX proxy_alerts_raised_at_idx ON proxy_alerts (raised_at DESC, id);
