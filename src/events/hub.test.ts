// The hub on the real database: this process's commits at once and in order; on PostgreSQL,
// another process's (here: another pool with its own hub) through LISTEN/NOTIFY, with nothing
// lost when a notification is lost, reordered or bogus, or when the LISTEN connection drops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/roles.ts';
import type { Db } from '../db/db.ts';
import { openPostgres } from '../db/postgres.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { createParty } from '../parties/service.ts';
import { engine, openTestDb, type TestDb } from '../../test/support/db.ts';
import { EventHub, eventsHub } from './hub.ts';
import { Subscription } from './subscription.ts';
import type { LedgerEvent } from './views.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t?.drop());

let n = 0;
const party = (db: Db) => write(db, SYSTEM, (w) => createParty(w, { name: `Hub party ${++n} ${Math.random().toString(36).slice(2, 6)}`, kind: 'other' }));
const admin: Principal = { accountId: '00000000-0000-4000-8000-0000000000a1', name: 'hub test', role: 'admin', partyId: null, via: 'token' };

/** A subscriber that keeps what it is sent. */
function collect(hub: EventHub, db: Db, after = hub.size - 1) {
  const got: LedgerEvent[] = [];
  const sub = new Subscription(hub, db, admin, after, { send: (e) => void got.push(e), fail: (e) => { throw e; } });
  return { got, sub };
}

const until = async (ok: () => boolean | Promise<boolean>, ms = 5000) => {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('this process', () => {
  it('gives caches each of its own commits before write() returns, and subscribers every event in order', async () => {
    const hub = eventsHub(t.db);
    await hub.start({ bufferSize: 2 });
    const heard: LedgerEvent[] = [];
    const off = hub.onEvents((es) => heard.push(...es));
    const { got, sub } = collect(hub, t.db);
    const start = hub.size;
    const p = await party(t.db);
    expect(heard.map((e) => [e.type, e.id, e.index])).toEqual([['party', p.id, start]]); // no tick in between
    const more = [await party(t.db), await party(t.db), await party(t.db), await party(t.db), await party(t.db)];
    await until(() => got.length === 6);
    expect(got.map((e) => e.index)).toEqual([0, 1, 2, 3, 4, 5].map((i) => start + i));
    expect(got.map((e) => e.id)).toEqual([p, ...more].map((x) => x.id));
    expect(got[0]).toEqual({ index: start, type: 'party', action: 'party.created', id: p.id, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
    // a subscriber from an index older than the buffer (2 kept, at most 4) reads the rest from the ledger
    const late = collect(hub, t.db, start - 1);
    await until(() => late.got.length === 6);
    expect(late.got).toEqual(got);
    sub.close();
    late.sub.close();
    off();
    await hub.stop();
  });
});

describe.skipIf(engine !== 'postgres')('another process on the same PostgreSQL database', () => {
  let other: Db;
  let mine: EventHub;
  beforeAll(async () => {
    other = await openPostgres(t.url!, 2); // its own pool and its own hub: another instance, as far as the hub can tell
    mine = eventsHub(t.db);
    await mine.start({ bufferSize: 100 }); // no poll: only NOTIFY (and our own commits) bring news
  });
  afterAll(async () => {
    await mine?.stop();
    await other?.close();
  });

  const listenerPid = async () => {
    const rows = await t.db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
    return rows.map((r) => r.pid as number);
  };

  it('hears of the other’s commits through NOTIFY, each once and in order', async () => {
    const heard: LedgerEvent[] = [];
    const off = mine.onEvents((es) => heard.push(...es));
    const { got, sub } = collect(mine, t.db);
    const written = [];
    for (let i = 0; i < 5; i++) written.push((await party(other)).id);
    await until(() => got.length === 5);
    expect(got.map((e) => e.id)).toEqual(written);
    expect(heard.map((e) => e.id)).toEqual(written);
    sub.close();
    off();
  });

  it('ignores bogus and stale notifications, and delivers nothing twice', async () => {
    const { got, sub } = collect(mine, t.db);
    await other.query(`SELECT pg_notify('truce_ledger', $1)`, [`${mine.size + 50}-${mine.size + 60}`]); // announces leaves that do not exist
    await other.query(`SELECT pg_notify('truce_ledger', '0-1')`); // long delivered
    await other.query(`SELECT pg_notify('truce_ledger', 'nonsense')`);
    const p = await party(other);
    await until(() => got.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(got.map((e) => e.id)).toEqual([p.id]);
    sub.close();
  });

  it('loses nothing while its LISTEN connection is down: its own next commit, or the reconnection, reads what it missed', async () => {
    const heard: LedgerEvent[] = [];
    const off = mine.onEvents((es) => heard.push(...es));
    const { got, sub } = collect(mine, t.db);
    const [pid] = await listenerPid();
    expect(pid).toBeDefined();
    await other.query('SELECT pg_terminate_backend($1)', [pid]);
    const missed = [(await party(other)).id, (await party(other)).id]; // their NOTIFYs go to nobody here
    // our own write meanwhile: caches hear of it at once, though it comes after leaves not yet read
    const own = (await party(t.db)).id;
    expect(heard.map((e) => e.id)).toEqual([own]);
    await until(() => got.length === 3);
    expect(got.map((e) => e.id)).toEqual([...missed, own]); // the ledger's order
    await until(() => heard.length === 3);
    expect(heard.map((e) => e.id)).toEqual([own, ...missed]); // each once
    // down again, and nothing of ours to show the gap: the reconnection reads it
    await until(async () => (await listenerPid()).length === 1);
    await other.query('SELECT pg_terminate_backend($1)', [(await listenerPid())[0]]);
    const quiet = (await party(other)).id;
    await until(() => got.length === 4);
    expect(got[3].id).toBe(quiet);
    // and listening again: news arrives by NOTIFY
    await until(async () => (await listenerPid()).length === 1);
    const after = (await party(other)).id;
    await until(() => got.length === 5, 2000);
    expect(got[4].id).toBe(after);
    expect(heard.map((e) => e.id)).toEqual([own, ...missed, quiet, after]);
    sub.close();
    off();
  });
});
