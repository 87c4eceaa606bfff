import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ANY_ROLE } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Candidate } from './gazetteer.ts';
import * as S from './schemas.ts';
import { placeSettings, searchPlaces } from './service.ts';

export const placeJson = (p: Candidate) => ({
  id: p.id,
  name: p.name,
  ...(p.nameAr ? { nameAr: p.nameAr } : {}),
  kind: p.kind,
  ...(p.pcode ? { pcode: p.pcode } : {}),
  adm1: p.adm1,
  adm2: p.adm2,
  adm3: p.adm3,
  lon: p.lon,
  lat: p.lat,
  ...(p.population ? { population: p.population } : {}),
  source: p.source,
  country: p.country,
  aliases: p.aliases,
  match: p.match,
});

export async function placeRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const settings = placeSettings(config);

  // Place names are public: every signed-in role may search them.
  r.get('/api/v1/places', {
    config: { access: ANY_ROLE },
    schema: {
      tags: ['places'],
      summary: 'Search the gazetteer (OCHA units, seats and neighbourhoods, GeoNames towns), best match first',
      querystring: S.PlaceQuery,
      response: { 200: S.PlaceList },
    },
    handler: async (req) => {
      const items = await searchPlaces(settings, { q: req.query.q, limit: req.query.limit ?? 10, kind: req.query.kind });
      return { items: items.map(placeJson) };
    },
  });
}
