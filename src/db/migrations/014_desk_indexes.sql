-- The desk's lists and counts (src/incidents/store.ts), checked with EXPLAIN on 100,000 incidents:
-- keyset pages in either order, what is published (the lists of analysts, agencies and the
-- public), the parties an incident names (partyId, a liaison's own incidents), merges, and
-- requests for information by due time.
CREATE INDEX incidents_page ON incidents (occurred_from, id);
CREATE INDEX incidents_page_updated ON incidents (updated_at, id);
CREATE INDEX incidents_published_page ON incidents (occurred_from, id) WHERE published_at IS NOT NULL;
CREATE INDEX incidents_perpetrators ON incidents USING gin (perpetrator_party_ids);
CREATE INDEX incidents_targets ON incidents USING gin (target_party_ids);
CREATE INDEX incidents_merged_into ON incidents (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX info_requests_due ON info_requests (due_at, id);
