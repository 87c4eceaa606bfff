import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principal } from '../auth/hook.ts';
import { ANY_ROLE, REGISTRARS, SECRETARIAT } from '../auth/roles.ts';
import type { Db } from '../db/db.ts';
import { write } from '../ledger/ledger.ts';
import { notFound } from '../http/errors.ts';
import { paginate } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import * as S from './schemas.ts';
import { createParty, partiesAt, patchParty, recordCommitment, type PartyView } from './service.ts';
import type { CommitmentRecord, DesignationRecord } from './store.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const commitmentJson = (c: CommitmentRecord) => ({
  id: c.id,
  partyId: c.partyId,
  termsId: c.termsId,
  type: c.type,
  at: c.at.toISOString(),
  viaPartyId: c.viaPartyId,
  note: c.note,
  late: c.late,
  recordedBy: c.recordedBy,
  recordedAt: c.recordedAt.toISOString(),
});

export const designationJson = (d: DesignationRecord) => ({
  id: d.id,
  designated: d.designated,
  basis: d.basis,
  since: iso(d.since),
  recordedBy: d.recordedBy,
  recordedAt: d.recordedAt.toISOString(),
});

export const partyJson = (p: PartyView, at: Date) => ({
  id: p.id,
  name: p.name,
  aliases: p.aliases,
  kind: p.kind,
  homeState: p.homeState,
  operatesIn: p.operatesIn,
  designation: p.designation?.designated ? { designated: true, basis: p.designation.basis, since: iso(p.designation.since) } : { designated: false, basis: null, since: null },
  status: p.status,
  statusAt: at.toISOString(),
  isCochair: p.isCochair,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

export async function partyRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['parties'];

  async function detail(id: string, at: Date) {
    const { parties, events, designations } = await partiesAt(db, at, { ids: [id] });
    if (!parties.length) throw notFound('party', id);
    return { ...partyJson(parties[0], at), history: events.map(commitmentJson), designations: designations.map(designationJson) };
  }

  r.get('/api/v1/parties', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'Parties with their status at a time', querystring: S.PartyListQuery, response: { 200: S.PartyList } },
    handler: async (req) => {
      const q = req.query;
      const at = q.at ? new Date(q.at) : new Date();
      const { parties } = await partiesAt(db, at, { kind: q.kind });
      const needle = q.q?.toLowerCase();
      const kept = parties.filter(
        (p) => (!q.status || p.status === q.status) && (!needle || [p.name, ...p.aliases].some((n) => n.toLowerCase().includes(needle))),
      );
      const page = paginate(kept, q, {
        name: (p) => p.name.toLowerCase(),
        createdAt: (p) => p.createdAt.getTime(),
        status: (p) => p.status,
        kind: (p) => p.kind,
      });
      return { items: page.items.map((p) => partyJson(p, at)), nextCursor: page.nextCursor };
    },
  });

  r.post('/api/v1/parties', {
    config: { access: REGISTRARS },
    schema: { tags, summary: 'Register a party', body: S.PartyCreate, response: { 201: S.PartyDetail } },
    handler: async (req, reply) => {
      const p = await write(db, principal(req), (w) => createParty(w, req.body));
      reply.code(201).header('location', `/api/v1/parties/${p.id}`);
      return detail(p.id, new Date());
    },
  });

  r.get('/api/v1/parties/:id', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'A party with its commitment history', params: IdParams, querystring: S.AtQuery, response: { 200: S.PartyDetail } },
    handler: async (req) => detail(req.params.id, req.query.at ? new Date(req.query.at) : new Date()),
  });

  r.patch('/api/v1/parties/:id', {
    config: { access: SECRETARIAT },
    schema: { tags, summary: 'Change a party’s names, kind, states or designation', params: IdParams, body: S.PartyPatch, response: { 200: S.PartyDetail } },
    handler: async (req) => {
      await write(db, principal(req), (w) => patchParty(w, req.params.id, req.body));
      return detail(req.params.id, new Date());
    },
  });

  r.get('/api/v1/parties/:id/commitments', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'A party’s commitment events', params: IdParams, querystring: S.CommitmentListQuery, response: { 200: S.CommitmentList } },
    handler: async (req) => {
      const { history } = await detail(req.params.id, new Date());
      return paginate(history, req.query, { at: (c) => c.at, recordedAt: (c) => c.recordedAt });
    },
  });

  r.post('/api/v1/parties/:id/commitments', {
    config: { access: REGISTRARS },
    schema: {
      tags,
      summary: 'Record a commitment event (committed, withdrawn, suspended, reinstated) received through a co-chair',
      params: IdParams,
      body: S.CommitmentCreate,
      response: { 201: S.Commitment },
    },
    handler: async (req, reply) => {
      const c = await write(db, principal(req), (w) => recordCommitment(w, req.params.id, req.body));
      reply.code(201);
      return commitmentJson(c);
    },
  });
}
