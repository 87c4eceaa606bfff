import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principal } from '../auth/hook.ts';
import { ANY_ROLE, REGISTRARS } from '../auth/roles.ts';
import type { Db } from '../db/db.ts';
import { write } from '../ledger/ledger.ts';
import { notFound } from '../http/errors.ts';
import { paginate } from '../http/pagination.ts';
import { IdParams } from '../http/schemas.ts';
import * as S from './schemas.ts';
import { createTerms } from './service.ts';
import { getTerms, listTerms, type TermsRecord } from './store.ts';

export const termsJson = (t: TermsRecord) => ({
  id: t.id,
  name: t.name,
  text: t.text,
  announcedAt: t.announcedAt ? t.announcedAt.toISOString() : null,
  commitmentDeadline: t.commitmentDeadline.toISOString(),
  startsAt: t.startsAt.toISOString(),
  cochairPartyIds: t.cochairPartyIds,
  createdAt: t.createdAt.toISOString(),
});

export async function termsRoutes(app: FastifyInstance, { db }: { db: Db }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['terms'];

  r.get('/api/v1/terms', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'The ceasefire terms administered here', querystring: S.TermsListQuery, response: { 200: S.TermsList } },
    handler: async (req) => {
      const page = paginate(await listTerms(db), req.query, {
        startsAt: (t) => t.startsAt.getTime(),
        name: (t) => t.name.toLowerCase(),
        createdAt: (t) => t.createdAt.getTime(),
      });
      return { items: page.items.map(termsJson), nextCursor: page.nextCursor };
    },
  });

  r.post('/api/v1/terms', {
    config: { access: REGISTRARS },
    schema: { tags, summary: 'Record terms: text, commitment deadline, start, co-chairs', body: S.TermsCreate, response: { 201: S.Terms } },
    handler: async (req, reply) => {
      const t = await write(db, principal(req), (w) => createTerms(w, req.body));
      reply.code(201).header('location', `/api/v1/terms/${t.id}`);
      return termsJson(t);
    },
  });

  r.get('/api/v1/terms/:id', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'One set of terms', params: IdParams, response: { 200: S.Terms } },
    handler: async (req) => {
      const t = await getTerms(db, req.params.id);
      if (!t) throw notFound('terms', req.params.id);
      return termsJson(t);
    },
  });
}
