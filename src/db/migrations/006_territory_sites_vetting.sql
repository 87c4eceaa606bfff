-- Territory, protected sites, corridors and strike vetting.
-- Every row here is immutable once written: a change is a new row. That is what lets a vetting
-- decision be replayed with the data as it was (rows whose ledger leaf precedes its dataVersion).

-- A version of one party's area of control; it holds from valid_from until the party's next version.
CREATE TABLE territories (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  party_id    uuid NOT NULL REFERENCES parties (id),
  geom        geometry(MultiPolygon, 4326) NOT NULL,
  valid_from  timestamptz NOT NULL,
  source      text,
  note        text,
  pcodes      text[] NOT NULL DEFAULT '{}', -- the OCHA sub-districts it was built from, if any
  recorded_by uuid,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX territories_party_from ON territories (party_id, valid_from, seq);
CREATE INDEX territories_geom ON territories USING gist (geom);

CREATE TABLE sites (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq          bigint GENERATED ALWAYS AS IDENTITY,
  kind         text NOT NULL CHECK (kind IN ('hospital', 'school', 'water', 'power', 'shelter', 'religious', 'diplomatic', 'un', 'other')),
  name         text NOT NULL,
  geom         geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('POINT', 'POLYGON')),
  buffer_m     double precision NOT NULL DEFAULT 500 CHECK (buffer_m >= 0),
  valid_from   timestamptz NOT NULL,
  valid_to     timestamptz CHECK (valid_to IS NULL OR valid_to > valid_from),
  organisation text, -- the notifying agency
  notified_by  uuid,
  notified_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sites_geom ON sites USING gist (geom);

-- A time-bounded protected route (an approved convoy's, once the aid capability exists).
CREATE TABLE corridors (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  name       text NOT NULL,
  geom       geometry(LineString, 4326) NOT NULL,
  width_m    double precision NOT NULL DEFAULT 1000 CHECK (width_m >= 0),
  valid_from timestamptz NOT NULL,
  valid_to   timestamptz NOT NULL CHECK (valid_to > valid_from),
  convoy_id  uuid,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX corridors_geom ON corridors USING gist (geom);

-- Every vetting decision with its inputs and the version of the data it used (the ledger size).
CREATE TABLE vettings (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                 bigint GENERATED ALWAYS AS IDENTITY,
  target              jsonb NOT NULL,
  radius_m            double precision,
  at                  timestamptz NOT NULL,
  requesting_party_id uuid NOT NULL REFERENCES parties (id),
  home_state          text,                      -- the requesting party's states as they were
  operates_in         text[] NOT NULL DEFAULT '{}',
  note                text,
  decision            text NOT NULL CHECK (decision IN ('permitted', 'prohibited', 'review')),
  reasons             jsonb NOT NULL,
  data_version        bigint NOT NULL,
  requested_by        uuid,
  requested_role      text NOT NULL,
  requested_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vettings_requested ON vettings (requested_at DESC);
CREATE INDEX vettings_requested_by ON vettings (requested_by, requested_at DESC);
