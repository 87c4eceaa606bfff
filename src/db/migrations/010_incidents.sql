-- The investigation desk: reports of violations, the incidents they are grouped into, and what
-- the task force does with an incident (review, claims, requests for information, determinations,
-- publication). Rows of the desk's history are events, never edits; an incident's current state
-- (status, grade, publication, its reports) is the one row that changes, and each change is a leaf.

CREATE TABLE reports (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                 bigint GENERATED ALWAYS AS IDENTITY,
  channel             text NOT NULL CHECK (channel IN ('api', 'web', 'hotline', 'import', 'open_source')),
  occurred_at         timestamptz NOT NULL,
  occurred_precision  text NOT NULL CHECK (occurred_precision IN ('exact', 'day', 'week', 'month')),
  occurred_from       timestamptz NOT NULL, -- the window the precision allows (exact: the instant)
  occurred_to         timestamptz NOT NULL,
  location            geometry(Point, 4326), -- NULL while only a place name is known
  location_precision  text CHECK (location_precision IN ('exact', 'near', 'adm3', 'adm2', 'adm1')),
  place_name          text,
  event_type          text NOT NULL,
  perpetrator_party_ids uuid[] NOT NULL DEFAULT '{}',
  target_party_ids    uuid[] NOT NULL DEFAULT '{}',
  casualties          jsonb NOT NULL DEFAULT '{}', -- { killed?: {best, low?, high?, civilians?}, injured?: ... }
  sources             jsonb NOT NULL DEFAULT '[]', -- [{ url?, description?, sha256? }]
  text                text,
  source_ref          text, -- an importer's own id (ACLED event_id_cnty, UCDP id): reruns import nothing twice
  reporter_id         uuid NOT NULL,
  reporter_role       text NOT NULL,
  reporter_party_id   uuid,
  reporter_organisation text,
  filed_at            timestamptz NOT NULL DEFAULT now(),
  -- enrichment: recomputed when the reference data changes, so kept apart from what was reported
  enrichment          jsonb NOT NULL DEFAULT '{}',
  enriched_at         timestamptz,
  salt                bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX reports_location ON reports USING gist (location);
CREATE INDEX reports_occurred ON reports (occurred_from, occurred_to);
CREATE INDEX reports_reporter ON reports (reporter_id, filed_at);
CREATE UNIQUE INDEX reports_source_ref ON reports (channel, source_ref) WHERE source_ref IS NOT NULL;

-- A retried POST returns its first answer: per account, so a key says nothing across accounts.
CREATE TABLE idempotency_keys (
  account_id  uuid NOT NULL,
  key         text NOT NULL,
  route       text NOT NULL,
  body_hash   text NOT NULL,
  status      int NOT NULL,
  response    jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);

CREATE TABLE incidents (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                 bigint GENERATED ALWAYS AS IDENTITY,
  status              text NOT NULL DEFAULT 'reported' CHECK (status IN ('reported', 'under_review', 'verified', 'unverified', 'disputed', 'discounted', 'merged')),
  grade               text CHECK (grade IN ('confirmed', 'fair', 'weak', 'contested', 'discounted')),
  reasoning           text,
  event_type          text NOT NULL,
  occurred_from       timestamptz NOT NULL,
  occurred_to         timestamptz NOT NULL,
  location            geometry(Point, 4326),
  location_precision  text,
  pcodes              jsonb NOT NULL DEFAULT '{}', -- { adm1, adm2, adm3 }
  perpetrator_party_ids uuid[] NOT NULL DEFAULT '{}',
  target_party_ids    uuid[] NOT NULL DEFAULT '{}',
  casualties          jsonb NOT NULL DEFAULT '{}',
  report_count        int NOT NULL DEFAULT 0,
  merged_into         uuid REFERENCES incidents (id),
  -- a reviewer's merge or split pins the reports: grouping never moves a pinned report again
  published_at        timestamptz,
  published_by        uuid,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  salt                bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX incidents_location ON incidents USING gist (location);
CREATE INDEX incidents_occurred ON incidents (occurred_from, occurred_to);
CREATE INDEX incidents_status ON incidents (status);

-- Which incident each report belongs to now; pinned once a reviewer placed it (merge, split).
CREATE TABLE incident_reports (
  report_id    uuid PRIMARY KEY REFERENCES reports (id),
  incident_id  uuid NOT NULL REFERENCES incidents (id),
  pinned       boolean NOT NULL DEFAULT false,
  placed_by    uuid,
  placed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_reports_incident ON incident_reports (incident_id);

-- Reviews, merges, splits and publications, as events.
CREATE TABLE incident_events (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq          bigint GENERATED ALWAYS AS IDENTITY,
  incident_id  uuid NOT NULL REFERENCES incidents (id),
  type         text NOT NULL CHECK (type IN ('review', 'merge', 'split', 'publish')),
  status       text,
  grade        text,
  reasoning    text,
  detail       jsonb NOT NULL DEFAULT '{}', -- merge: { incidentIds }, split: { reportIds, newIncidentId }
  recorded_by  uuid,
  recorded_role text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  salt         bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, seq);

-- Each side's account of an incident, kept side by side with the reports.
CREATE TABLE claims (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                 bigint GENERATED ALWAYS AS IDENTITY,
  incident_id         uuid NOT NULL REFERENCES incidents (id),
  party_id            uuid NOT NULL,
  claimed_at          timestamptz NOT NULL,
  text                text NOT NULL,
  perpetrator_party_ids uuid[] NOT NULL DEFAULT '{}',
  casualties          jsonb NOT NULL DEFAULT '{}',
  source              text,
  recorded_by         uuid,
  recorded_role       text NOT NULL,
  recorded_at         timestamptz NOT NULL DEFAULT now(),
  salt                bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX claims_incident ON claims (incident_id, claimed_at);

-- Requests for information to a party, and its liaison's answers.
CREATE TABLE info_requests (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                   bigint GENERATED ALWAYS AS IDENTITY,
  incident_id           uuid NOT NULL REFERENCES incidents (id),
  addressed_to_party_id uuid NOT NULL,
  question              text NOT NULL,
  due_at                timestamptz NOT NULL,
  asked_by              uuid,
  asked_at              timestamptz NOT NULL DEFAULT now(),
  salt                  bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX info_requests_party ON info_requests (addressed_to_party_id, due_at);
CREATE INDEX info_requests_incident ON info_requests (incident_id);

CREATE TABLE info_answers (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq          bigint GENERATED ALWAYS AS IDENTITY,
  request_id   uuid NOT NULL REFERENCES info_requests (id),
  text         text NOT NULL,
  answered_by  uuid,
  answered_at  timestamptz NOT NULL DEFAULT now(),
  salt         bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX info_answers_request ON info_answers (request_id);

-- A co-chair proposes; the determination stands once every co-chair party of the terms concurred.
CREATE TABLE determinations (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq                 bigint GENERATED ALWAYS AS IDENTITY,
  incident_id         uuid NOT NULL REFERENCES incidents (id),
  finding             text NOT NULL CHECK (finding IN ('violation', 'no_violation', 'inconclusive')),
  violator_party_ids  uuid[] NOT NULL DEFAULT '{}',
  reasoning           text NOT NULL,
  proposed_by         uuid,
  proposed_party_id   uuid,
  proposed_at         timestamptz NOT NULL DEFAULT now(),
  salt                bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE INDEX determinations_incident ON determinations (incident_id, proposed_at);

CREATE TABLE concurrences (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq               bigint GENERATED ALWAYS AS IDENTITY,
  determination_id  uuid NOT NULL REFERENCES determinations (id),
  party_id          uuid NOT NULL, -- the co-chair party concurring
  concurred_by      uuid,
  concurred_at      timestamptz NOT NULL DEFAULT now(),
  salt              bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE UNIQUE INDEX concurrences_once ON concurrences (determination_id, party_id);
