-- Sites are read a page at a time in notification order (the enrichment reference: keyset on
-- seq, 2,000 a page). Without an index on seq each page was a scan and sort of the whole table:
-- at 100,000 sites 50 pages of ~60 ms, and loading the reference after a restart took 10 s of
-- the database's time, while vetting shared it (bench/vetting.ts).
CREATE UNIQUE INDEX sites_seq ON sites (seq);
