-- Users of the platform. Emails are unique case-insensitively; roles drive authorisation.
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL DEFAULT 'default' CHECK (tenant_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
  password_hash text NOT NULL,
  roles text[] NOT NULL DEFAULT ARRAY['user'],
  tier text NOT NULL DEFAULT 'free' CHECK (tier IN ('free', 'standard', 'pro', 'enterprise')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_created_at_idx ON users (created_at DESC, id);
CREATE INDEX users_tenant_idx ON users (tenant_id);
