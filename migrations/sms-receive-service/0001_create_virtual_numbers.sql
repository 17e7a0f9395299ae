-- Numbers in the pool, in E.164 form.
CREATE TABLE virtual_numbers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider text NOT NULL,
  phone_number text NOT NULL CHECK (phone_number ~ '^\+[1-9][0-9]{6,14}$'),
  country_code char(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
  status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'active', 'released', 'blacklisted')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT virtual_numbers_phone_key UNIQUE (phone_number)
);

CREATE INDEX virtual_numbers_created_at_idx ON virtual_numbers (created_at DESC, id);
CREATE INDEX virtual_numbers_available_idx ON virtual_numbers (country_code) WHERE status = 'available';
