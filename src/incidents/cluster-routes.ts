// GET /api/v1/incidents/clusters: the map's clusters of a view, from the per-instance cluster
// index (cluster-index.ts), for the caller's visibility (svc.listVisibility, as the list) and the
// map's filters. Counts are exact: the clusters of a view add up to the incidents in it.
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principal } from '../auth/hook.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { perAccountRate } from '../http/rate.ts';
import { clusterIndexOf } from './cluster-index.ts';
import { CELL_PX, MAX_CELLS, viewCells } from './clusters.ts';
import * as S from './cluster-schemas.ts';
import * as svc from './service.ts';

function bboxOf(s: string): [number, number, number, number] {
  const [w, so, e, n] = s.split(',').map(Number);
  const bad = (reason: string) => new ApiError('VALIDATION_FAILED', `bbox ${reason}.`, 'bbox');
  if ([w, e].some((x) => x < -180 || x > 180) || [so, n].some((y) => y < -90 || y > 90)) throw bad('must have longitudes within -180..180 and latitudes within -90..90');
  if (w > e || so > n) throw bad('must be minLon,minLat,maxLon,maxLat with min ≤ max (a box across the antimeridian is not supported)');
  return [w, so, e, n];
}

export async function clusterRoutes(app: FastifyInstance, { db, config }: { db: Db; config: Config }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const index = clusterIndexOf(db, config.clusterRefreshMs);
  await app.register(rateLimit, { global: false });
  let warm: Promise<unknown> = Promise.resolve();
  app.addHook('onReady', async () => {
    if (config.clusterWarm) warm = index.current().catch((e) => app.log.warn({ err: e }, 'cluster index not built'));
  });
  app.addHook('onClose', async () => {
    await warm;
    index.stop();
  });

  r.get('/api/v1/incidents/clusters', {
    // a view scans every incident the index holds (20-50 ms at a million): bounded per account
    config: { access: ANY_ROLE, rateLimit: perAccountRate(config.scanRatePerMinute, 'map views') },
    schema: {
      tags: ['incidents'],
      summary: 'The map’s clusters of a view: exact counts at every zoom, for the caller’s visibility and the map’s filters',
      description:
        'The view (bbox) is cut into the cells of a Web Mercator grid, 64 pixels at the zoom; each cluster counts the incidents of one cell that lie in the view ' +
        '(as GET /incidents?bbox= has it), so the counts add up to the number of incidents in the view, at every zoom. A cluster of one carries its incident. ' +
        'Filters as GET /incidents: from/to (the window overlaps), type, partyId, status (merged only when asked for), grade. Who sees what is the list’s rule. A view more than 16,384 pixels across at its zoom is refused (400).',
      querystring: S.ClusterQuery,
      response: { 200: S.Clusters },
    },
    handler: async (req) => {
      const q = req.query;
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? new Date(q.to) : undefined;
      if (from && to && from > to) throw new ApiError('INCONSISTENT', 'to must not be before from.', 'to');
      const bbox = bboxOf(q.bbox);
      // an answer is a screenful of cells at most, however many incidents there are
      if (viewCells(bbox, q.zoom).some((n) => n > MAX_CELLS)) {
        throw new ApiError('VALIDATION_FAILED', `bbox is more than ${MAX_CELLS * CELL_PX} pixels across at zoom ${Math.floor(q.zoom)}: ask for a smaller box or a lower zoom.`, 'bbox');
      }
      const v = await svc.viewerOf(db, principal(req));
      return index.clusters({ bbox, zoom: q.zoom, from, to, type: q.type, status: q.status, grade: q.grade, partyId: q.partyId, visibility: svc.listVisibility(v) });
    },
  });
}
