-- The proxy pool. Quality is a 0-100 score kept by the scoring job; cost is micro-units per GB.
CREATE TABLE proxies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider text NOT NULL,
  host text NOT NULL,
  port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  protocol text NOT NULL CHECK (protocol IN ('http', 'https', 'socks5')),
  country_code char(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
  status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'assigned', 'unhealthy', 'retired')),
  quality_score smallint NOT NULL DEFAULT 100 CHECK (quality_score BETWEEN 0 AND 100),
  cost_per_gb_micros bigint NOT NULL DEFAULT 0 CHECK (cost_per_gb_micros >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT proxies_endpoint_key UNIQUE (provider, host, port)
);

CREATE INDEX proxies_created_at_idx ON proxies (created_at DESC, id);
CREATE INDEX proxies_available_idx ON proxies (country_code, quality_score DESC) WHERE status = 'available';
