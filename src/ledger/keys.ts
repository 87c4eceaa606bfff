// Ed25519 keys of the log (node:crypto): the server signs tree heads, co-chairs cosign them.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import canonicalize from 'canonicalize';
import { FatalError } from '../db/db.ts';
import { makeFolder } from '../db/folder.ts';

export interface LedgerKey {
  privateKey: KeyObject;
  publicPem: string;
  keyId: string;
}

/** The key id: SHA-256 of the public key's SPKI encoding, hex. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

function fromPrivate(privateKey: KeyObject, where: string): LedgerKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new FatalError(`The ledger key in ${where} is not an Ed25519 key.`);
  const pub = createPublicKey(privateKey);
  return { privateKey, publicPem: pub.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(pub) };
}

/** TRUCE_LEDGER_KEY when set; otherwise the key file in the data folder, created on first use. */
export function loadLedgerKey(config: { ledgerKey: string | null; dataDir: string }): LedgerKey {
  if (config.ledgerKey) {
    const pem = config.ledgerKey.includes('BEGIN') ? config.ledgerKey : Buffer.from(config.ledgerKey, 'base64').toString('utf8');
    try {
      return fromPrivate(createPrivateKey(pem), 'TRUCE_LEDGER_KEY');
    } catch (e) {
      if (e instanceof FatalError) throw e;
      throw new FatalError(`TRUCE_LEDGER_KEY is not a PKCS#8 PEM private key (or base64 of one): ${(e as Error).message}.`);
    }
  }
  const file = path.join(config.dataDir, 'ledger-key.pem');
  makeFolder(config.dataDir);
  try {
    const { privateKey } = generateKeyPairSync('ed25519');
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
  } catch (e: any) {
    if (e.code !== 'EEXIST') throw new FatalError(`Cannot write the ledger key file ${file}: ${e.message}.`);
  }
  try {
    return fromPrivate(createPrivateKey(fs.readFileSync(file, 'utf8')), file);
  } catch (e) {
    if (e instanceof FatalError) throw e;
    throw new FatalError(`The ledger key file ${file} is not readable as a PKCS#8 PEM key: ${(e as Error).message}.`);
  }
}

/** The log's public key for checking, from TRUCE_LEDGER_KEY or the existing key file: never creates one. */
export function readLedgerPublicKey(config: { ledgerKey: string | null; dataDir: string }): string | null {
  const file = path.join(config.dataDir, 'ledger-key.pem');
  if (!config.ledgerKey && !fs.existsSync(file)) return null;
  return loadLedgerKey(config).publicPem;
}

export interface HeadFields {
  size: number;
  rootHash: string;
  timestamp: string;
  keyId: string;
}

/** The signed bytes of a tree head: its canonical JSON (RFC 8785). */
export function headPayload(h: HeadFields): Buffer {
  return Buffer.from(canonicalize({ log: 'truce', size: h.size, rootHash: h.rootHash, timestamp: h.timestamp, keyId: h.keyId })!);
}

export function signPayload(key: KeyObject, payload: Buffer): string {
  return sign(null, payload, key).toString('base64');
}

/** Does `signature` (base64) over payload verify with this public key (SPKI PEM)? Never throws. */
export function verifyPayload(publicPem: string, payload: Buffer, signature: string): boolean {
  try {
    return verify(null, payload, createPublicKey(publicPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A public key in SPKI PEM from PEM or the raw 32 bytes in base64; null when it is not Ed25519. */
export function parsePublicKey(text: string): { pem: string; keyId: string } | null {
  try {
    let key;
    if (text.includes('BEGIN')) key = createPublicKey(text);
    else {
      const raw = Buffer.from(text, 'base64');
      if (raw.length !== 32) return null;
      key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
    }
    if (key.asymmetricKeyType !== 'ed25519') return null;
    // the raw point: refuse the all-zero and other trivially weak keys (small order points start with 0x00 or 0x01 and are zero after)
    const point = (key.export({ type: 'spki', format: 'der' }) as Buffer).subarray(12);
    if (point.subarray(1).every((b) => b === 0) && point[0] <= 1) return null;
    return { pem: key.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(key) };
  } catch {
    return null;
  }
}
