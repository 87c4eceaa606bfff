-- Incidents by administrative unit: the desk filters by P-code, and grouping looks for incidents
-- in the unit of a report only as precise as that unit (and for incidents only that precise in
-- the unit of a located report: the partial indexes, which stay small).
CREATE INDEX incidents_adm1 ON incidents ((pcodes->'adm1'->>'code'), occurred_from);
CREATE INDEX incidents_adm2 ON incidents ((pcodes->'adm2'->>'code'), occurred_from);
CREATE INDEX incidents_adm3 ON incidents ((pcodes->'adm3'->>'code'), occurred_from);
CREATE INDEX incidents_adm1_only ON incidents ((pcodes->'adm1'->>'code'), occurred_from) WHERE location_precision = 'adm1';
CREATE INDEX incidents_adm2_only ON incidents ((pcodes->'adm2'->>'code'), occurred_from) WHERE location_precision = 'adm2';
CREATE INDEX incidents_adm3_only ON incidents ((pcodes->'adm3'->>'code'), occurred_from) WHERE location_precision = 'adm3';
