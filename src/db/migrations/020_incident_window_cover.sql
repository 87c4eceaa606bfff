-- The 30-day aggregate at a million incidents (issue 11): migration 019's window index found a
-- month's ~12,000 incidents in a few milliseconds, and then the count fetched each of them from the
-- heap (about 8,000 pages) to read its status, publication and day: 100 ms of the 140. Carrying
-- those columns in the index lets every count by window (and the liaison's, with its party arrays
-- and the id its requests name) be an index-only scan: 12 ms on the same month
-- (bench/incidents-scale.ts). The keys are 019's, so the map's list by bbox and week is unchanged.
DROP INDEX incidents_window_place;
CREATE INDEX incidents_window_place ON incidents USING gist (tstzrange(least(occurred_from, occurred_to), greatest(occurred_from, occurred_to), '[]'), location)
  INCLUDE (occurred_from, occurred_to, status, published_at, perpetrator_party_ids, target_party_ids, id);
