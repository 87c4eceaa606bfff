// Walks every API route with every role: 401 without or with a bad token, 403 for a role the
// route does not name, success for each role it does.
import { generateKeyPairSync, sign } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/auth/roles.ts';
import { SYSTEM, write } from '../src/ledger/ledger.ts';
import { createParty } from '../src/parties/service.ts';
import { insertFlag } from '../src/vetting/store.ts';
import { demoId, testApp, type TestApp } from './support/app.ts';
import { decidedIncident, fileReport } from './support/desk.ts';
import { propose, requestInfo } from '../src/incidents/service.ts';
import { disableForFailures } from '../src/webhooks/service.ts';
import { setState } from '../src/webhooks/store.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ config: { streamMaxMs: 50 } }); // an event stream ends after this, so app.inject returns
});
afterAll(() => t?.close());

const uniq = () => Math.random().toString(36).slice(2, 10);
const freshParty = () => write(t.db, SYSTEM, (w) => createParty(w, { name: `Access ${uniq()}`, kind: 'other' })).then((p) => p.id);
const freshAccount = async () =>
  (await t.call('admin', { method: 'POST', url: '/api/v1/accounts', payload: { name: 'x', username: `u${uniq()}`, password: 'correct horse battery', role: 'monitor' } })).json().id;
const freshToken = async () => (await t.call('admin', { method: 'POST', url: '/api/v1/tokens', payload: { name: `t${uniq()}`, role: 'analyst' } })).json().id;

/** A decision the liaison asked for: the liaison may read its own, the task force everyone's. */
const liaisonVetting = async () =>
  (await t.call('liaison', { method: 'POST', url: '/api/v1/vetting', payload: { requestingPartyId: demoId('saaf'), target: { type: 'Point', coordinates: [36.3, 33.5] } } })).json().id;

/** An account flagged for going past its budget of referrals, as the vetting recorder flags one. */
let flaggable: Promise<string> | undefined;
const flaggedAccount = async () => {
  const id = await (flaggable ??= freshAccount());
  await write(t.db, SYSTEM, async (w) => w.record('vetting.flagged', 'vetting_flag', await insertFlag(w.q, { accountId: id, event: 'flagged', referrals: 6 })));
  return id;
};

const cosigner = generateKeyPairSync('ed25519');
const cosignerPem = cosigner.publicKey.export({ type: 'spki', format: 'pem' }).toString();
async function cosignSample(): Promise<InjectOptions> {
  await t.call('cochair', { method: 'PUT', url: '/api/v1/ledger/signing-key', payload: { publicKey: cosignerPem } });
  const head = (await t.call('admin', { method: 'GET', url: '/api/v1/ledger/head' })).json();
  return { payload: { size: head.size, signature: sign(null, Buffer.from(head.signed), cosigner.privateKey).toString('base64') } };
}

const REPORT = { channel: 'api', occurredAt: '2016-03-01T10:00:00Z', location: { type: 'Point', coordinates: [36.3, 33.5] }, eventType: 'shelling' };

// humanitarian access: an area besieged by the liaison's party (so its approval is asked), convoys on a short route now
const H = 3_600_000;
const aidWindow = () => ({ from: new Date(Date.now() - H).toISOString(), to: new Date(Date.now() + 24 * H).toISOString() });
const aidAreaBody = () => ({
  name: `Area ${uniq()}`,
  geometry: { type: 'Polygon', coordinates: [[[36.0, 33.6], [36.1, 33.6], [36.1, 33.7], [36.0, 33.7], [36.0, 33.6]]] },
  population: { count: 1000, asOf: '2016-01-15', source: 'access test' },
  besiegingPartyIds: [demoId('saaf')],
  status: 'besieged',
  since: '2016-01-01',
});
const freshArea = async () => (await t.call('admin', { method: 'POST', url: '/api/v1/besieged-areas', payload: aidAreaBody() })).json().id as string;
let sharedArea: Promise<string> | undefined;
const aidArea = () => (sharedArea ??= freshArea());
const convoyBody = async () => ({ originName: 'Damascus', destinationAreaId: await aidArea(), route: { type: 'LineString', coordinates: [[36.29, 33.51], [36.05, 33.65]] }, window: aidWindow(), cargo: [{ category: 'food', quantity: 5, unit: 't' }], peopleToReach: 100 });
/** A convoy the test agency asked for, answered by the co-chair (approved) and moved on as far as `upTo`. */
async function aidConvoy(upTo: 'requested' | 'approved' | 'dispatched' = 'approved'): Promise<string> {
  const res = await t.call('agency', { method: 'POST', url: '/api/v1/convoys', payload: await convoyBody() });
  if (res.statusCode !== 201) throw new Error(`convoy: ${res.statusCode} ${res.body}`);
  const id = res.json().id;
  if (upTo === 'requested') return id;
  await t.call('cochair', { method: 'POST', url: `/api/v1/convoys/${id}/approvals/${demoId('saaf')}`, payload: { status: 'granted' } });
  if (upTo === 'dispatched') await t.call('admin', { method: 'POST', url: `/api/v1/convoys/${id}/dispatch`, payload: {} });
  return id;
}
let sharedConvoy: Promise<string> | undefined;

// webhooks: each owner role reads, enables and deletes its own; the secretariat and admins read and
// disable the liaison's. Registrations are made once per key (an account may hold only so many).
const hookIds = new Map<string, Promise<string>>();
const newHook = async (owner: 'liaison' | 'agency') => {
  const res = await t.call(owner, { method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://93.184.216.34/truce', events: owner === 'agency' ? ['report.near_site'] : ['info_request.sent'] } });
  if (res.statusCode !== 201) throw new Error(`webhook: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};
const hookOf = (owner: 'liaison' | 'agency', key: string = owner) => {
  if (!hookIds.has(key)) hookIds.set(key, newHook(owner));
  return hookIds.get(key)!;
};
const ownerOf = (role?: Role) => (role === 'agency' ? 'agency' : 'liaison');
const activeHook = async (key: string) => {
  const id = await hookOf('liaison', key);
  await write(t.db, SYSTEM, async (w) => w.record('webhook.enabled', 'webhook', await setState(w.q, id, { state: 'active', reason: null, by: null })));
  return id;
};
const failedHook = async (owner: 'liaison' | 'agency') => {
  const id = await hookOf(owner, `failed-${owner}`);
  await write(t.db, SYSTEM, (w) => disableForFailures(w, id), { allowEmpty: true });
  return id;
};

/** One valid request per route (given the role that will send it); every API route must have one here. */
const SAMPLES: Record<string, (role?: Role) => Promise<InjectOptions>> = {
  'POST /api/v1/session': async () => ({ payload: { username: 'nobody', password: 'wrong' } }),
  'GET /api/v1/session': async () => ({}),
  'DELETE /api/v1/session': async () => ({}),
  'POST /api/v1/accounts': async () => ({ payload: { name: 'A', username: `u${uniq()}`, password: 'correct horse battery', role: 'analyst' } }),
  'GET /api/v1/accounts': async () => ({}),
  'GET /api/v1/accounts/:id': async () => ({ url: `/api/v1/accounts/${await freshAccount()}` }),
  'PATCH /api/v1/accounts/:id': async () => ({ url: `/api/v1/accounts/${await freshAccount()}`, payload: { unlock: true } }),
  'POST /api/v1/accounts/:id/tokens': async () => ({ url: `/api/v1/accounts/${await freshAccount()}/tokens`, payload: { name: 'cli' } }),
  'POST /api/v1/tokens': async () => ({ payload: { name: `svc ${uniq()}`, role: 'monitor' } }),
  'GET /api/v1/tokens': async () => ({}),
  'DELETE /api/v1/tokens/:id': async () => ({ url: `/api/v1/tokens/${await freshToken()}` }),
  'GET /api/v1/terms': async () => ({}),
  'POST /api/v1/terms': async () => ({
    payload: { name: `Truce ${uniq()}`, commitmentDeadline: '2016-09-12T00:00:00Z', startsAt: '2016-09-12T19:00:00+03:00', cochairPartyIds: [demoId('usa'), demoId('rus')] },
  }),
  'GET /api/v1/terms/:id': async () => ({ url: '/api/v1/terms/00000000-2016-4000-8000-000000000001' }),
  'GET /api/v1/parties': async () => ({}),
  'POST /api/v1/parties': async () => ({ payload: { name: `P ${uniq()}`, kind: 'other' } }),
  'GET /api/v1/parties/:id': async () => ({ url: `/api/v1/parties/${demoId('saaf')}` }),
  'PATCH /api/v1/parties/:id': async () => ({ url: `/api/v1/parties/${await freshParty()}`, payload: { aliases: [`x ${uniq()}`] } }),
  'GET /api/v1/parties/:id/commitments': async () => ({ url: `/api/v1/parties/${demoId('saaf')}/commitments` }),
  'GET /api/v1/ledger/head': async () => ({}),
  'GET /api/v1/ledger/entries': async () => ({ url: '/api/v1/ledger/entries?start=0&end=3' }),
  'GET /api/v1/ledger/proof/inclusion': async () => ({ url: '/api/v1/ledger/proof/inclusion?index=1' }),
  'GET /api/v1/ledger/proof/consistency': async () => ({ url: '/api/v1/ledger/proof/consistency?first=2' }),
  'GET /api/v1/entities/:type/:id/proof': async () => ({ url: `/api/v1/entities/party/${demoId('saaf')}/proof` }),
  'PUT /api/v1/ledger/signing-key': async () => ({ payload: { publicKey: cosignerPem } }),
  'POST /api/v1/ledger/cosign': cosignSample,
  'POST /api/v1/parties/:id/commitments': async () => ({
    url: `/api/v1/parties/${await freshParty()}/commitments`,
    payload: { type: 'committed', at: '2016-02-25T00:00:00Z', viaPartyId: demoId('usa') },
  }),
  'POST /api/v1/territories': async () => ({
    payload: { partyId: demoId('fsa'), geometry: { type: 'Polygon', coordinates: [[[36, 32.7], [36.1, 32.7], [36.1, 32.8], [36, 32.7]]] }, validFrom: '2016-03-01T00:00:00Z' },
  }),
  'POST /api/v1/territories/bulk': async () => ({ payload: { partyId: demoId('fsa'), validFrom: '2016-03-02T00:00:00Z', pcodes: ['SY120000'] } }),
  'GET /api/v1/territories': async () => ({ url: '/api/v1/territories?at=2016-03-05T00:00:00Z' }),
  'GET /api/v1/territories/history': async () => ({ url: `/api/v1/territories/history?partyId=${demoId('fsa')}` }),
  'GET /api/v1/territories/overlaps': async () => ({ url: '/api/v1/territories/overlaps?at=2016-03-05T00:00:00Z' }),
  'GET /api/v1/territories/changes': async () => ({ url: '/api/v1/territories/changes?from=2016-02-27T00:00:00Z&to=2016-03-05T00:00:00Z' }),
  'GET /api/v1/territories/subdistricts': async () => ({ url: '/api/v1/territories/subdistricts?q=dara' }),
  'GET /api/v1/territories/:id': async () => {
    const res = await t.call('admin', {
      method: 'POST',
      url: '/api/v1/territories',
      payload: { partyId: demoId('jai'), geometry: { type: 'Polygon', coordinates: [[[36.4, 33.5], [36.5, 33.5], [36.5, 33.6], [36.4, 33.5]]] }, validFrom: '2016-03-01T00:00:00Z' },
    });
    return { url: `/api/v1/territories/${res.json().id}` };
  },
  'POST /api/v1/sites': async () => ({ payload: { kind: 'school', name: `School ${uniq()}`, geometry: { type: 'Point', coordinates: [36.3, 33.5] } } }),
  'GET /api/v1/sites': async () => ({}),
  // notified by the agency token, the one agency that may read it
  'GET /api/v1/sites/:id': async () => {
    const res = await t.call('agency', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'water', name: `Well ${uniq()}`, geometry: { type: 'Point', coordinates: [36.3, 33.5] } } });
    return { url: `/api/v1/sites/${res.json().id}` };
  },
  // a site the agency token notified, so that every role allowed may withdraw it
  'POST /api/v1/sites/:id/withdraw': async () => {
    const res = await t.call('agency', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: `School ${uniq()}`, geometry: { type: 'Point', coordinates: [36.3, 33.5] } } });
    return { url: `/api/v1/sites/${res.json().id}/withdraw`, payload: { reason: 'The school has closed.' } };
  },
  'POST /api/v1/sites/:id/reject': async () => {
    const res = await t.call('agency', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: `School ${uniq()}`, geometry: { type: 'Point', coordinates: [36.3, 33.5] } } });
    return { url: `/api/v1/sites/${res.json().id}/reject`, payload: { reason: 'Notified in error.' } };
  },
  'POST /api/v1/corridors': async () => ({
    payload: { name: `Route ${uniq()}`, geometry: { type: 'LineString', coordinates: [[36.29, 33.51], [36.1, 33.69]] }, validFrom: '2016-03-01T00:00:00Z', validTo: '2016-03-10T00:00:00Z' },
  }),
  'GET /api/v1/corridors': async () => ({ url: '/api/v1/corridors?at=2016-03-05T00:00:00Z' }),
  'POST /api/v1/vetting': async () => ({ payload: { requestingPartyId: demoId('saaf'), target: { type: 'Point', coordinates: [36.3, 33.5] } } }),
  'GET /api/v1/vetting': async () => ({}),
  'GET /api/v1/besieged-areas': async () => ({}),
  'GET /api/v1/besieged-areas/:id': async () => ({ url: `/api/v1/besieged-areas/${await aidArea()}` }),
  'POST /api/v1/besieged-areas': async () => ({ payload: aidAreaBody() }),
  'POST /api/v1/besieged-areas/:id/status': async () => ({ url: `/api/v1/besieged-areas/${await freshArea()}/status`, payload: { status: 'lifted', at: '2016-03-01', reason: 'access test' } }),
  'POST /api/v1/convoys': async () => ({ payload: { ...(await convoyBody()), agency: 'test agency' } }), // the test agency's account has no organisation: it requests as itself
  'GET /api/v1/convoys': async () => ({}),
  'GET /api/v1/convoys/:id': async () => ({ url: `/api/v1/convoys/${await (sharedConvoy ??= aidConvoy())}` }),
  'POST /api/v1/convoys/:id/approvals/:partyId': async () => ({ url: `/api/v1/convoys/${await aidConvoy('requested')}/approvals/${demoId('saaf')}`, payload: { status: 'granted' } }),
  'POST /api/v1/convoys/:id/dispatch': async () => ({ url: `/api/v1/convoys/${await aidConvoy()}/dispatch`, payload: {} }),
  'POST /api/v1/convoys/:id/deliver': async () => ({ url: `/api/v1/convoys/${await aidConvoy('dispatched')}/deliver`, payload: {} }),
  'POST /api/v1/convoys/:id/block': async () => ({ url: `/api/v1/convoys/${await aidConvoy('dispatched')}/block`, payload: { where: { type: 'Point', coordinates: [36.1, 33.6] }, byPartyId: demoId('saaf'), reason: 'access test' } }),
  'POST /api/v1/convoys/:id/cancel': async () => ({ url: `/api/v1/convoys/${await aidConvoy('requested')}/cancel`, payload: { reason: 'access test' } }),
  'GET /api/v1/aid/figures': async () => ({}),
  // exports (issue 11)
  'GET /api/v1/exports/incidents': async () => ({ url: '/api/v1/exports/incidents?format=csv' }),
  'GET /api/v1/vetting/audit': async () => ({}),
  // issue 12: batch vetting (the liaison for its own party, as every role here) and the history's export
  'POST /api/v1/vetting/batch': async () => ({ payload: { requestingPartyId: demoId('saaf'), targets: [{ target: { type: 'Point', coordinates: [36.3, 33.5] } }, { target: { type: 'Point', coordinates: [36.31, 33.5] }, radiusM: 100 }] } }),
  'GET /api/v1/exports/vetting': async () => ({ url: '/api/v1/exports/vetting?format=csv&decision=review' }),
  'GET /api/v1/vetting/:id': async () => ({ url: `/api/v1/vetting/${await liaisonVetting()}` }),
  'GET /api/v1/vetting/:id/replay': async () => ({ url: `/api/v1/vetting/${await liaisonVetting()}/replay` }),
  'POST /api/v1/vetting/flags/:accountId/lift': async () => ({ url: `/api/v1/vetting/flags/${await flaggedAccount()}/lift`, payload: { reason: 'access test' } }),
  // the investigation desk: a fresh incident per call, so every allowed role's step is a first one
  'GET /api/v1/incidents': async () => ({}),
  'GET /api/v1/incidents/aggregates': async () => ({ url: '/api/v1/incidents/aggregates?by=type' }),
  // issue 11: the map's clusters
  'GET /api/v1/incidents/clusters': async () => ({ url: '/api/v1/incidents/clusters?bbox=35.5,32.3,42.5,37.4&zoom=6' }),
  'GET /api/v1/incidents/:id': async () => ({ url: `/api/v1/incidents/${(await decidedIncident(t.db, {}, { publish: true })).incidentId}` }),
  'POST /api/v1/incidents/:id/review': async () => ({ url: `/api/v1/incidents/${(await fileReport(t.db)).incidentId}/review`, payload: { status: 'under_review', reasoning: 'access test' } }),
  'POST /api/v1/incidents/:id/merge': async () => ({ url: `/api/v1/incidents/${(await fileReport(t.db)).incidentId}/merge`, payload: { incidentIds: [(await fileReport(t.db)).incidentId] } }),
  'POST /api/v1/incidents/:id/split': async () => {
    const a = await fileReport(t.db);
    const b = await fileReport(t.db, {}, a.incidentId);
    return { url: `/api/v1/incidents/${a.incidentId}/split`, payload: { reportIds: [b.reportId] } };
  },
  // names the liaison's party, whose claim it is
  'POST /api/v1/incidents/:id/claims': async () => ({
    url: `/api/v1/incidents/${(await fileReport(t.db, { perpetrators: [demoId('saaf')] })).incidentId}/claims`,
    payload: { partyId: demoId('saaf'), claimedAt: '2016-02-28T00:00:00Z', text: 'We deny it.' },
  }),
  'POST /api/v1/incidents/:id/requests': async () => ({
    url: `/api/v1/incidents/${(await fileReport(t.db)).incidentId}/requests`,
    payload: { addressedToPartyId: demoId('saaf'), question: 'Where were your units?', dueAt: '2199-01-01T00:00:00Z' },
  }),
  'POST /api/v1/requests/:id/answer': async () => {
    const { incidentId } = await fileReport(t.db);
    const r = await write(t.db, SYSTEM, (w) => requestInfo(w, incidentId, { addressedToPartyId: demoId('saaf'), question: 'Where?', dueAt: '2199-01-01T00:00:00Z' }));
    return { url: `/api/v1/requests/${r.id}/answer`, payload: { text: 'Not there.' } };
  },
  'GET /api/v1/requests': async () => ({ url: '/api/v1/requests?overdue=true' }),
  'POST /api/v1/incidents/:id/determinations': async () => ({
    url: `/api/v1/incidents/${(await decidedIncident(t.db)).incidentId}/determinations`,
    payload: { finding: 'inconclusive', reasoning: 'access test' },
  }),
  // proposed by the other co-chair party (Russia), so the test co-chair (United States) concurs
  'POST /api/v1/determinations/:id/concur': async () => {
    const { incidentId } = await decidedIncident(t.db);
    const d = await write(t.db, { accountId: null, role: 'cochair', partyId: demoId('rus') }, (w) => propose(w, incidentId, { finding: 'inconclusive', reasoning: 'x' }));
    return { url: `/api/v1/determinations/${d.id}/concur`, payload: {} };
  },
  'POST /api/v1/incidents/:id/publish': async () => ({ url: `/api/v1/incidents/${(await decidedIncident(t.db)).incidentId}/publish`, payload: {} }),
  // the gazetteer (issue 9): public place names, every signed-in role
  'GET /api/v1/places': async () => ({ url: '/api/v1/places?q=Daraya' }),
  // reports (intake): any reporting role files; the sample report is one every reporting role may read:
  // filed by the liaison on a site the agency token notified (a hit on its site)
  'POST /api/v1/reports': async () => ({ payload: REPORT }),
  'POST /api/v1/reports/batch': async () => ({ payload: { reports: [REPORT, { ...REPORT, eventType: 'airstrike' }] } }),
  'GET /api/v1/reports/:id': async () => {
    const site = await t.call('agency', { method: 'POST', url: '/api/v1/sites', payload: { kind: 'school', name: `School ${uniq()}`, geometry: { type: 'Point', coordinates: [37.1, 36.2] } } });
    const at = new Date(Date.now() + 1000).toISOString();
    const res = await t.call('liaison', { method: 'POST', url: '/api/v1/reports', payload: { ...REPORT, occurredAt: at, location: site.json().geometry } });
    return { url: `/api/v1/reports/${res.json().id}` };
  },
  'GET /api/v1/corridors/:id': async () => {
    const res = await t.call('admin', {
      method: 'POST',
      url: '/api/v1/corridors',
      payload: { name: `Route ${uniq()}`, geometry: { type: 'LineString', coordinates: [[36.29, 33.51], [36.1, 33.69]] }, validFrom: '2016-03-01T00:00:00Z', validTo: '2016-03-10T00:00:00Z' },
    });
    return { url: `/api/v1/corridors/${res.json().id}` };
  },
  // imports (issue 11): the task force imports ACLED and UCDP files; a one-row ACLED file with a fresh event id
  'POST /api/v1/imports': async () => ({
    url: '/api/v1/imports?source=acled',
    headers: { 'content-type': 'text/csv' },
    payload: `event_id_cnty,event_date,event_type,sub_event_type,actor1,latitude,longitude\nACC${uniq()},2016-03-01,Battles,Armed clash,Hezbollah,36.26,37.08\n`,
  }),
  // every role may follow the events it may see; the stream ends after streamMaxMs (above)
  'GET /api/v1/stream': async () => ({}),
  // OGC API – Features (issue 11): every signed-in role, incidents as the list shows them to it (a published one all see)
  'GET /ogc': async () => ({}),
  'GET /ogc/conformance': async () => ({}),
  'GET /ogc/collections': async () => ({}),
  'GET /ogc/collections/:collectionId': async () => ({ url: '/ogc/collections/incidents' }),
  'GET /ogc/collections/:collectionId/items': async () => ({ url: '/ogc/collections/incidents/items?limit=5&bbox=36,33,37,34' }),
  'GET /ogc/collections/:collectionId/items/:featureId': async () => ({ url: `/ogc/collections/incidents/items/${(await decidedIncident(t.db, {}, { publish: true })).incidentId}` }),
  // webhooks (issue 11)
  'POST /api/v1/webhooks': async (role) => ({ payload: { url: 'https://93.184.216.34/truce', events: role === 'agency' ? ['report.near_site'] : ['info_request.sent'] } }),
  'GET /api/v1/webhooks': async () => ({}),
  'GET /api/v1/webhooks/:id': async (role) => ({ url: `/api/v1/webhooks/${await hookOf(ownerOf(role))}` }),
  'GET /api/v1/webhooks/:id/deliveries': async (role) => ({ url: `/api/v1/webhooks/${await hookOf(ownerOf(role))}/deliveries` }),
  'DELETE /api/v1/webhooks/:id': async (role) => ({ url: `/api/v1/webhooks/${role === 'liaison' || role === 'agency' ? await newHook(role) : await hookOf('liaison')}` }),
  'POST /api/v1/webhooks/:id/disable': async () => ({ url: `/api/v1/webhooks/${await activeHook('to-disable')}/disable`, payload: {} }),
  'POST /api/v1/webhooks/:id/enable': async (role) => ({ url: `/api/v1/webhooks/${await failedHook(ownerOf(role))}/enable`, payload: {} }),
};

describe('route × role', () => {
  it('has a sample request for every API route (a new route must be added here)', () => {
    const routes = t.app.apiRoutes.map((r) => `${r.method} ${r.url}`).sort();
    expect(routes).toEqual(Object.keys(SAMPLES).sort());
  });

  it('walks every route with no token, a bad token and each role', async () => {
    const seen: string[] = [];
    for (const r of t.app.apiRoutes) {
      const key = `${r.method} ${r.url}`;
      const sample = async (role?: Role) => ({ method: r.method as InjectOptions['method'], url: r.url, ...(await SAMPLES[key](role)) });
      if (r.access === 'anonymous') {
        const res = await t.call(null, await sample());
        expect(res.statusCode, key).not.toBe(403);
        continue;
      }
      const none = await t.call(null, await sample());
      expect(none.statusCode, `${key} without a token`).toBe(401);
      expect(none.json().code).toBe('UNAUTHENTICATED');
      const bad = await t.app.inject({ ...(await sample()), headers: { authorization: 'Bearer truce_not-a-real-token' } });
      expect(bad.statusCode, `${key} with a bad token`).toBe(401);
      for (const role of ROLES as readonly Role[]) {
        const res = await t.call(role, await sample(role));
        if (r.access.includes(role)) {
          expect(res.statusCode, `${key} as ${role}: ${res.body}`).toBeGreaterThanOrEqual(200);
          expect(res.statusCode, `${key} as ${role}: ${res.body}`).toBeLessThan(300);
        } else {
          expect(res.statusCode, `${key} as ${role}`).toBe(403);
          expect(res.json().code).toBe('FORBIDDEN');
        }
        seen.push(`${key} ${role}`);
      }
    }
    expect(seen.length).toBeGreaterThan(100);
  }, 600_000); // some 700 requests: 80 s on a quiet machine, 180 s and more on a loaded one
});
