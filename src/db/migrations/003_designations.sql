-- Designations become events, like commitments: listing and delisting are added, never edited,
-- so a party's status at a past time cannot be rewritten by a later change.
CREATE TABLE designations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  party_id    uuid NOT NULL REFERENCES parties (id),
  designated  boolean NOT NULL,
  basis       text,
  since       timestamptz, -- NULL: from the beginning
  recorded_by uuid,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX designations_party ON designations (party_id, since, seq);

INSERT INTO designations (party_id, designated, basis, since, recorded_by, recorded_at)
SELECT id, true, designation_basis, designated_since, created_by, created_at FROM parties WHERE designated;

ALTER TABLE parties DROP COLUMN designated, DROP COLUMN designation_basis, DROP COLUMN designated_since;

-- When the terms were announced: no commitment to them can be older.
ALTER TABLE terms ADD COLUMN announced_at timestamptz;
