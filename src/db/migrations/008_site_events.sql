-- What happens to a notified site afterwards, as events (rows are never edited): its notifier or
-- the secretariat withdraws it from a time on; the secretariat rejects a notification that should
-- never have been made. A site is withdrawn at most once and rejected at most once.
CREATE TABLE site_events (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq           bigint GENERATED ALWAYS AS IDENTITY,
  site_id       uuid NOT NULL REFERENCES sites (id),
  type          text NOT NULL CHECK (type IN ('withdrawn', 'rejected')),
  at            timestamptz NOT NULL, -- withdrawn: protection ends from then; rejected: when recorded
  reason        text NOT NULL,
  recorded_by   uuid,
  recorded_role text NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  salt          bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
);
CREATE UNIQUE INDEX site_events_once ON site_events (site_id, type);

-- notifications per organisation and day are counted (TRUCE_SITE_NOTIFICATIONS_PER_DAY)
CREATE INDEX sites_organisation_notified ON sites (organisation, notified_at);
CREATE INDEX sites_notified_by ON sites (notified_by, notified_at);
