import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principal } from '../auth/hook.ts';
import { ANY_ROLE, REGISTRARS } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { paginate } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import { write } from '../ledger/ledger.ts';
import { listParties, partiesAt } from '../parties/lookup.ts';
import { adminUnits, searchUnits } from './adm3.ts';
import * as S from './schemas.ts';
import { recordFeatures, recordFromPcodes, recordTerritory } from './service.ts';
import { geoSettings } from './settings.ts';
import * as store from './store.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const ledgerRef = (entity: string, id: string) => ({ entity, id, proof: `/api/v1/entities/${entity}/${id}/proof` });

const versionMeta = (t: store.TerritoryVersion) => ({
  id: t.id,
  partyId: t.partyId,
  validFrom: t.validFrom.toISOString(),
  validTo: iso(t.validTo),
  source: t.source,
  note: t.note,
  pcodes: t.pcodes,
  recordedBy: t.recordedBy,
  recordedAt: t.recordedAt.toISOString(),
  areaKm2: t.areaKm2,
  ledger: ledgerRef('territory', t.id),
});
const versionJson = (t: store.TerritoryRecord) => ({ ...versionMeta(t), geometry: t.geometry });

const WHO_DELINEATES =
  'Territory is delineated by the co-chairs and the secretariat, not by the parties: a party’s liaison cannot widen the area where strikes on it are prohibited.';

export async function territoryRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['territory'];
  const settings = geoSettings(config);
  const now = (at: string | undefined) => (at ? new Date(at) : new Date());
  const partyNames = async () => new Map((await listParties(db)).map((p) => [p.id, p.name]));

  r.post('/api/v1/territories', {
    config: { access: REGISTRARS },
    schema: {
      tags,
      summary: 'Record a version of one party’s area of control',
      description: `A Polygon or MultiPolygon (stored as a MultiPolygon); it replaces the party’s previous version from validFrom. ${WHO_DELINEATES}`,
      body: S.TerritoryCreate,
      response: { 201: S.Territory },
    },
    handler: async (req, reply) => {
      const t = await write(db, principal(req), (w) => recordTerritory(w, req.body, settings));
      reply.code(201).header('location', `/api/v1/territories/${t.id}`);
      return versionJson(t);
    },
  });

  r.post('/api/v1/territories/bulk', {
    config: { access: REGISTRARS },
    schema: { tags, summary: 'Record several versions at once: a FeatureCollection, or one party’s area from P-codes', description: WHO_DELINEATES, body: S.TerritoryBulk, response: { 201: S.TerritoryBulkResult } },
    handler: async (req, reply) => {
      const b = req.body;
      const items = await write(db, principal(req), async (w) => ('type' in b ? recordFeatures(w, b, settings) : [await recordFromPcodes(w, b, settings)]));
      reply.code(201);
      return { items: items.map(versionJson) };
    },
  });

  r.get('/api/v1/territories', {
    config: { access: ANY_ROLE },
    schema: {
      tags,
      summary: 'The map of control at a time: each party’s version in force, with the party’s status then',
      querystring: S.TerritoryMapQuery,
      response: { 200: S.TerritoryMap },
    },
    handler: async (req) => {
      const at = now(req.query.at);
      const versions = await store.territoriesAt(db, at, req.query.partyId);
      const { parties } = await partiesAt(db, at, { ids: versions.map((v) => v.partyId) });
      const party = new Map(parties.map((p) => [p.id, p]));
      return {
        type: 'FeatureCollection' as const,
        at: at.toISOString(),
        features: versions.map((v) => ({
          type: 'Feature' as const,
          id: v.id,
          geometry: v.geometry,
          properties: {
            id: v.id,
            partyId: v.partyId,
            partyName: party.get(v.partyId)!.name,
            status: party.get(v.partyId)!.status,
            validFrom: v.validFrom.toISOString(),
            source: v.source,
            note: v.note,
            areaKm2: v.areaKm2,
          },
        })),
      };
    },
  });

  r.get('/api/v1/territories/history', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'Every territory version (of one party), without geometry', querystring: S.TerritoryHistoryQuery, response: { 200: S.TerritoryHistory } },
    handler: async (req) => {
      const page = paginate(await store.territoryVersions(db, req.query.partyId), req.query, {
        validFrom: (t) => t.validFrom.getTime(),
        recordedAt: (t) => t.recordedAt.getTime(),
      });
      return { items: page.items.map(versionMeta), nextCursor: page.nextCursor };
    },
  });

  r.get('/api/v1/territories/overlaps', {
    config: { access: ANY_ROLE },
    schema: {
      tags,
      summary: 'Areas claimed by more than one party at a time',
      description: 'One feature per pair of parties whose areas overlap (shared boundaries are not overlaps); areaKm2 is geodesic (WGS 84).',
      querystring: S.OverlapsQuery,
      response: { 200: S.Overlaps },
    },
    handler: async (req) => {
      const at = now(req.query.at);
      const [overlaps, names] = await Promise.all([store.overlapsAt(db, at), partyNames()]);
      return {
        type: 'FeatureCollection' as const,
        at: at.toISOString(),
        features: overlaps.map((o) => ({
          type: 'Feature' as const,
          geometry: o.geometry,
          properties: { partyIds: o.partyIds, partyNames: o.partyIds.map((id) => names.get(id) ?? id), areaKm2: o.areaKm2 },
        })),
      };
    },
  });

  r.get('/api/v1/territories/changes', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'Ground gained and lost by each party between two times', querystring: S.ChangesQuery, response: { 200: S.Changes } },
    handler: async (req) => {
      const from = new Date(req.query.from);
      const to = now(req.query.to);
      if (from > to) throw new ApiError('INCONSISTENT', `from (${from.toISOString()}) is after to (${to.toISOString()}).`, 'to');
      const [changes, names] = await Promise.all([store.changesBetween(db, from, to, req.query.partyId), partyNames()]);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        parties: changes.map((c) => ({ ...c, partyName: names.get(c.partyId) ?? c.partyId })),
      };
    },
  });

  r.get('/api/v1/territories/subdistricts', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'Administrative units (OCHA sub-districts) a territory can be built from by P-code', querystring: S.SubdistrictQuery, response: { 200: S.SubdistrictList } },
    handler: async (req) => {
      const units = searchUnits(await adminUnits(settings.adminUnitsFile), req.query.q).map(({ geometry: _g, ...u }) => ({ ...u, id: u.pcode }));
      const page = paginate(units, req.query, { pcode: (u) => u.pcode, name: (u) => u.name.toLowerCase() });
      return { items: page.items.map(({ id: _id, ...u }) => u), nextCursor: page.nextCursor };
    },
  });

  r.get('/api/v1/territories/:id', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'One territory version', params: IdParams, response: { 200: S.Territory } },
    handler: async (req) => {
      const t = await store.getTerritory(db, req.params.id);
      if (!t) throw notFound('territory version', req.params.id);
      return versionJson(t);
    },
  });
}
