-- Foundation: parties, terms, commitments, accounts, tokens, sessions.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE parties (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name              text NOT NULL,
  aliases           text[] NOT NULL DEFAULT '{}',
  kind              text NOT NULL CHECK (kind IN ('state_force', 'coalition', 'non_state_armed_group', 'other')),
  home_state        text CHECK (home_state ~ '^[A-Z]{3}$'),
  operates_in       text[] NOT NULL DEFAULT '{}',
  designated        boolean NOT NULL DEFAULT false,
  designation_basis text,
  designated_since  timestamptz,
  created_by        uuid,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX parties_name_key ON parties (lower(name));

CREATE TABLE terms (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                text NOT NULL,
  text                text NOT NULL DEFAULT '',
  commitment_deadline timestamptz NOT NULL,
  starts_at           timestamptz NOT NULL,
  cochair_party_ids   uuid[] NOT NULL,
  created_by          uuid,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX terms_name_key ON terms (lower(name));

-- Commitment events are only ever added, never edited.
CREATE TABLE commitments (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq          bigint GENERATED ALWAYS AS IDENTITY,
  party_id     uuid NOT NULL REFERENCES parties (id),
  terms_id     uuid NOT NULL REFERENCES terms (id),
  type         text NOT NULL CHECK (type IN ('committed', 'withdrawn', 'suspended', 'reinstated')),
  at           timestamptz NOT NULL,
  via_party_id uuid NOT NULL REFERENCES parties (id),
  note         text,
  late         boolean NOT NULL,
  recorded_by  uuid,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commitments_party_at ON commitments (party_id, at, seq);

CREATE TABLE accounts (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL,
  username      text,
  password_hash text,
  role          text NOT NULL CHECK (role IN ('admin', 'cochair', 'secretariat', 'monitor', 'liaison', 'agency', 'analyst', 'public')),
  party_id      uuid REFERENCES parties (id),
  organisation  text,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  disabled_at   timestamptz,
  created_by    uuid,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_username_key ON accounts (lower(username)) WHERE username IS NOT NULL;

CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   uuid NOT NULL REFERENCES accounts (id),
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  prefix       text NOT NULL,
  created_by   uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);

CREATE TABLE sessions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   uuid NOT NULL REFERENCES accounts (id),
  token_hash   text NOT NULL UNIQUE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
