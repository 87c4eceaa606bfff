import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.ts';
import { FatalError } from './db.ts';
import { listMigrations, migrate } from './migrate.ts';
import { openDb, requirePostgis } from './open.ts';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t?.drop());

describe('migrations', () => {
  it('records every migration and applies nothing the second time', async () => {
    const rows = await t.db.query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.name)).toEqual(listMigrations().map((m) => m.name));
    expect(await migrate(t.db)).toEqual([]);
  });

  it('never leaves a half-applied migration', async () => {
    const bad = { version: 900, name: '900_half', sql: 'CREATE TABLE half_a (x int); INSERT INTO half_a VALUES (1); SELECT 1 / 0;' };
    await expect(migrate(t.db, [bad])).rejects.toThrow(/division by zero/);
    expect(await t.db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_a'`)).toEqual([]);
    expect(await t.db.query('SELECT 1 FROM schema_migrations WHERE version = 900')).toEqual([]);
  });

  it('has PostGIS with geography and the validity checks later capabilities need', async () => {
    const [r] = await t.db.query(
      `SELECT ST_IsValid(ST_GeomFromText('POLYGON((0 0,1 1,1 0,0 1,0 0))')) AS valid,
              round(ST_Distance('POINT(36.2765 33.5138)'::geography, 'POINT(37.1612 36.2021)'::geography)) AS m`,
    );
    expect(r.valid).toBe(false);
    expect(Number(r.m)).toBeGreaterThan(300_000); // Damascus to Aleppo, geodesic
    expect(Number(r.m)).toBeLessThan(320_000);
  });
});

describe('transactions', () => {
  it('commits together or not at all', async () => {
    await t.db.exec('CREATE TABLE tx_probe (x int PRIMARY KEY)');
    await expect(
      t.db.tx(async (q) => {
        await q.query('INSERT INTO tx_probe VALUES (1)');
        await q.query('INSERT INTO tx_probe VALUES (1)'); // duplicate key
      }),
    ).rejects.toThrow();
    expect(await t.db.query('SELECT * FROM tx_probe')).toEqual([]);
    await t.db.tx((q) => q.query('INSERT INTO tx_probe VALUES (2)'));
    expect(await t.db.query('SELECT x FROM tx_probe')).toEqual([{ x: 2 }]);
  });
});

describe('refusals with one clear sentence', () => {
  it('refuses a database without PostGIS', { timeout: 120_000 }, async () => {
    const bare = await PGlite.create(); // no extension loaded: as a server without the package
    try {
      const err = await requirePostgis({ query: async (s, p) => (await bare.query(s, p as any[])).rows as any, exec: async () => {} }, 'postgres://u:secret@db.example/truce').catch((e) => e);
      expect(err).toBeInstanceOf(FatalError);
      expect(err.message).toMatch(/has no PostGIS extension; install it/);
      expect(err.message).not.toContain('secret');
    } finally {
      await bare.close();
    }
  });

  it('refuses an unreachable server', async () => {
    const err = await openDb({ databaseUrl: 'postgres://truce:pw@127.0.0.1:9/truce', dataDir: '', dbPoolSize: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(FatalError);
    expect(err.message).toMatch(/^Cannot reach the PostgreSQL server at postgres:\/\/truce:\*\*\*@127\.0\.0\.1:9\/truce/);
  });
});
