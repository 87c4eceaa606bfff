-- Humanitarian access (src/aid): besieged and hard-to-reach areas, convoy requests and what
-- happens to them. Rows are never edited: an area's status and a convoy's approvals, steps and
-- deliveries are events, so a vetting replay at an older version sees the corridors that held then.
CREATE TABLE besieged_areas (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                 bigint GENERATED ALWAYS AS IDENTITY,
  name                text NOT NULL,
  geom                geometry(MultiPolygon, 4326) NOT NULL,
  pcodes              text[] NOT NULL DEFAULT '{}', -- the OCHA sub-districts it was built from, if any
  population          integer NOT NULL CHECK (population >= 0),
  population_as_of    timestamptz NOT NULL,
  population_source   text NOT NULL,
  besieging_party_ids uuid[] NOT NULL DEFAULT '{}',
  illustrative        boolean NOT NULL DEFAULT false,
  created_by          uuid,
  created_at          timestamptz NOT NULL DEFAULT now(),
  salt                bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX besieged_areas_geom ON besieged_areas USING gist (geom);

-- An area's status from a time on (the first is recorded with the area).
CREATE TABLE besieged_area_events (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  area_id     uuid NOT NULL REFERENCES besieged_areas (id),
  status      text NOT NULL CHECK (status IN ('besieged', 'hard_to_reach', 'lifted')),
  at          timestamptz NOT NULL,
  reason      text,
  recorded_by uuid,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  salt        bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX besieged_area_events_area ON besieged_area_events (area_id, seq);

CREATE TABLE convoys (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                 bigint GENERATED ALWAYS AS IDENTITY,
  agency              text NOT NULL, -- the requesting organisation
  origin_name         text NOT NULL,
  destination_area_id uuid NOT NULL REFERENCES besieged_areas (id),
  route               geometry(LineString, 4326) NOT NULL,
  width_m             double precision NOT NULL CHECK (width_m >= 0), -- the corridor's, fixed at request time so replays agree
  window_from         timestamptz NOT NULL,
  window_to           timestamptz NOT NULL CHECK (window_to > window_from),
  cargo               jsonb NOT NULL,
  people_to_reach     integer NOT NULL CHECK (people_to_reach >= 0),
  illustrative        boolean NOT NULL DEFAULT false,
  requested_by        uuid,
  created_at          timestamptz NOT NULL DEFAULT now(),
  salt                bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX convoys_destination ON convoys (destination_area_id);

-- Everything that happens to a convoy, in order: approvals asked and dropped, answers, steps.
CREATE TABLE convoy_events (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq           bigint GENERATED ALWAYS AS IDENTITY,
  convoy_id     uuid NOT NULL REFERENCES convoys (id),
  type          text NOT NULL,
  at            timestamptz NOT NULL,
  party_id      uuid, -- the approval's party (approval events), or who blocked or removed cargo
  detail        text NOT NULL,
  data          jsonb NOT NULL DEFAULT '{}',
  report_id     uuid, -- the siege_or_aid_denial report filed for a block or removed cargo
  recorded_by   uuid,
  recorded_role text NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  salt          bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX convoy_events_convoy ON convoy_events (convoy_id, seq);
CREATE INDEX convoy_events_party ON convoy_events (party_id) WHERE party_id IS NOT NULL;
