-- The desk's lists and counts by time window at a million incidents (issue 11): "the window
-- overlaps [from, to]" as a range overlap (store.ts writes it beside the two comparisons), which a
-- GiST index answers; two btree bounds cannot ("starts before to" alone is most of the table).
-- With the location first, the same index answers a bbox and a week together (the map's list).
-- Checked with EXPLAIN on 1,000,000 seeded incidents (bench/incidents-scale.ts).
CREATE INDEX incidents_window ON incidents USING gist (tstzrange(least(occurred_from, occurred_to), greatest(occurred_from, occurred_to), '[]'));
CREATE INDEX incidents_place_window ON incidents USING gist (location, tstzrange(least(occurred_from, occurred_to), greatest(occurred_from, occurred_to), '[]'));
-- The map's cluster index (src/incidents/cluster-index.ts) reads every incident in pages by seq.
CREATE INDEX incidents_seq ON incidents (seq);
