import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FatalError } from '../db/db.ts';
import { headPayload, loadLedgerKey, parsePublicKey, signPayload, verifyPayload } from './keys.ts';

describe('the log key', () => {
  it('is created once in the data folder, readable only by its owner, and reused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-key-'));
    const a = loadLedgerKey({ ledgerKey: null, dataDir: dir });
    const file = path.join(dir, 'ledger-key.pem');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadLedgerKey({ ledgerKey: null, dataDir: dir }).keyId).toBe(a.keyId);
    fs.rmSync(dir, { recursive: true });
  });

  it('comes from TRUCE_LEDGER_KEY as PEM or base64 of PEM, and refuses anything else in one sentence', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const k = loadLedgerKey({ ledgerKey: pem, dataDir: '/nonexistent' });
    expect(loadLedgerKey({ ledgerKey: Buffer.from(pem).toString('base64'), dataDir: '' }).keyId).toBe(k.keyId);
    expect(() => loadLedgerKey({ ledgerKey: 'nonsense', dataDir: '' })).toThrow(FatalError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadLedgerKey({ ledgerKey: rsa, dataDir: '' })).toThrow(/not an Ed25519 key/);
  });

  it('signs head bytes that verify with its public key and not after a change', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const k = loadLedgerKey({ ledgerKey: pem, dataDir: '' });
    const head = { size: 3, rootHash: 'ab'.repeat(32), timestamp: '2016-02-27T00:00:00.000Z', keyId: k.keyId };
    const sig = signPayload(k.privateKey, headPayload(head));
    expect(verifyPayload(k.publicPem, headPayload(head), sig)).toBe(true);
    expect(verifyPayload(k.publicPem, headPayload({ ...head, size: 4 }), sig)).toBe(false);
    expect(verifyPayload('garbage', headPayload(head), sig)).toBe(false);
  });

  it('accepts a co-chair key as SPKI PEM or 32 raw bytes in base64', () => {
    const pub = generateKeyPairSync('ed25519').publicKey;
    const pem = pub.export({ type: 'spki', format: 'pem' }).toString();
    const raw = (pub.export({ type: 'spki', format: 'der' }) as Buffer).subarray(12).toString('base64');
    expect(parsePublicKey(raw)?.keyId).toBe(parsePublicKey(pem)?.keyId);
    expect(parsePublicKey('AAAA')).toBeNull();
  });
});
