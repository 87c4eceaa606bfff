import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principal } from '../auth/hook.ts';
import { signingKeyOf } from '../auth/lookup.ts';
import { registerSigningKey } from '../auth/service.ts';
import { ANY_ROLE } from '../auth/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { ENTITIES, isSensitive, loadRows, mayReadRow, readsAll, type EntityType } from './entities.ts';
import { headPayload, parsePublicKey, verifyPayload, type LedgerKey } from './keys.ts';
import { consistencyProof, currentHead, inclusionProof, write } from './ledger.ts';
import * as M from './merkle.ts';
import * as S from './schemas.ts';
import * as store from './store.ts';

const hex = (b: Buffer) => b.toString('hex');

/**
 * A leaf as a caller may see it. `opened`: the caller may read the entity, so a sensitive leaf
 * shows its actor and entity (from the columns its subject commits to). Otherwise a format 2
 * leaf shows what it holds (it hides what must be hidden), and a format 1 leaf of a sensitive
 * type only what inclusion and consistency need: its text names the actor and entity, and its
 * plain state hash could be brute-forced.
 */
export function leafJson(l: store.LeafRow, opened: boolean) {
  const common = { seq: l.seq, version: l.version, leafHash: hex(M.leafHash(Buffer.from(l.leaf))), time: l.at.toISOString(), action: l.action };
  const sensitive = isSensitive(l.entityType);
  if (!sensitive || opened) {
    const subject = l.subject === null ? {} : { subject: l.subject };
    return { ...common, leaf: l.leaf, actor: { id: l.actorId, role: l.actorRole }, entity: { type: l.entityType, id: l.entityId }, stateHash: l.stateHash, ...subject };
  }
  if (l.subject === null) return { ...common, entity: { type: l.entityType } };
  return { ...common, leaf: l.leaf, entity: { type: l.entityType }, stateHash: l.stateHash, subject: l.subject };
}

export async function ledgerRoutes(app: FastifyInstance, { db, ledgerKey }: { db: Db; config: Config; ledgerKey: LedgerKey }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['ledger'];

  async function headJson(h: store.HeadRow) {
    const cos = await store.cosignatures(db, [h.size]);
    return {
      size: h.size,
      rootHash: h.rootHash,
      timestamp: h.at.toISOString(),
      keyId: h.keyId,
      signature: h.signature,
      publicKey: ledgerKey.publicPem,
      signed: headPayload({ size: h.size, rootHash: h.rootHash, timestamp: h.at.toISOString(), keyId: h.keyId }).toString('utf8'),
      cosignatures: cos.map((c) => ({ accountId: c.accountId, accountName: c.accountName, partyId: c.partyId, keyId: c.keyId, signature: c.signature, at: c.at.toISOString() })),
    };
  }

  /** The log's size now; a requested size beyond it is refused, naming the field. */
  async function sizeNow(field: string, asked?: number): Promise<number> {
    const { size } = await store.logState(db);
    if (asked !== undefined && asked > size) throw new ApiError('VALIDATION_FAILED', `The log has ${size} leaves; ${field} may be at most ${size}.`, field);
    return size;
  }

  r.get('/api/v1/ledger/head', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'The current signed tree head (signed now if the log grew) with its cosignatures', response: { 200: S.Head } },
    handler: async () => headJson(await currentHead(db, ledgerKey)),
  });

  r.get('/api/v1/ledger/entries', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'Leaves start <= seq < end (at most 1000)', querystring: S.EntriesQuery, response: { 200: S.Entries } },
    handler: async (req) => {
      const size = await sizeNow('end', req.query.end);
      const start = req.query.start ?? 0;
      const end = req.query.end ?? Math.min(size, start + 100);
      if (start > end) throw new ApiError('VALIDATION_FAILED', 'start must not be after end.', 'start');
      if (end - start > 1000) throw new ApiError('VALIDATION_FAILED', 'At most 1000 leaves at once.', 'end');
      const role = principal(req).role;
      return { start, end, size, items: (await store.leaves(db, start, end)).map((l) => leafJson(l, readsAll(role, l.entityType))) };
    },
  });

  r.get('/api/v1/ledger/proof/inclusion', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'Audit path of leaf `index` in the tree of `size` leaves (default: the current size)', querystring: S.InclusionQuery, response: { 200: S.Inclusion } },
    handler: async (req) => {
      const size = req.query.size ?? (await sizeNow('size'));
      if (req.query.size !== undefined) await sizeNow('size', size);
      if (req.query.index >= size) throw new ApiError('VALIDATION_FAILED', `index must be below size (${size}).`, 'index');
      const p = await inclusionProof(db, req.query.index, size);
      return { index: req.query.index, size, leafHash: hex(p.leafHash), rootHash: hex(p.rootHash), proof: p.path.map(hex) };
    },
  });

  r.get('/api/v1/ledger/proof/consistency', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'Proof that the tree of `first` leaves is a prefix of the tree of `second` (default: the current size)', querystring: S.ConsistencyQuery, response: { 200: S.Consistency } },
    handler: async (req) => {
      const second = req.query.second ?? (await sizeNow('second'));
      if (req.query.second !== undefined) await sizeNow('second', second);
      if (req.query.first > second) throw new ApiError('VALIDATION_FAILED', `first must not exceed second (${second}).`, 'first');
      const p = await consistencyProof(db, req.query.first, second);
      return { first: req.query.first, second, firstRoot: hex(p.firstRoot), secondRoot: hex(p.secondRoot), proof: p.proof.map(hex) };
    },
  });

  r.get('/api/v1/entities/:type/:id/proof', {
    config: { access: ANY_ROLE },
    schema: { tags, summary: 'An entity’s latest leaf and its inclusion proof in the current signed head', params: S.EntityParams, response: { 200: S.EntityProof } },
    handler: async (req) => {
      const { type, id } = req.params;
      if (!Object.hasOwn(ENTITIES, type)) throw new ApiError('VALIDATION_FAILED', `Unknown entity type; known: ${Object.keys(ENTITIES).join(', ')}.`, 'type');
      const leaf = await store.latestLeafOf(db, type, id);
      const unknown = () => new ApiError('NOT_FOUND', `The ledger records no ${type} with id ${id}.`, 'id');
      if (!leaf) throw unknown();
      // who may not read a sensitive row is answered as if it did not exist; the salt goes only to who may read the row
      const may = await mayReadRow(db, principal(req), type, id);
      if (!may && isSensitive(type)) throw unknown();
      const head = await currentHead(db, ledgerKey);
      const p = await inclusionProof(db, leaf.seq, head.size);
      const row = may ? (await loadRows(db, type as EntityType, [id])).get(id) : undefined;
      const opened = row ? { salt: row.salt.toString('hex'), state: row.state } : {};
      return { entity: { type, id }, leaf: leafJson(leaf, may), head: await headJson(head), proof: p.path.map(hex), ...opened };
    },
  });

  r.put('/api/v1/ledger/signing-key', {
    config: { access: ['cochair'] },
    schema: { tags, summary: 'Register your Ed25519 public key for cosigning tree heads', body: S.SigningKeyBody, response: { 200: S.SigningKey } },
    handler: async (req) => {
      const key = parsePublicKey(req.body.publicKey);
      if (!key) throw new ApiError('VALIDATION_FAILED', 'Not an Ed25519 public key (SPKI PEM, or 32 raw bytes in base64).', 'publicKey');
      const me = principal(req);
      await write(db, me, (w) => registerSigningKey(w, key.pem));
      return { accountId: me.accountId, keyId: key.keyId, publicKey: key.pem };
    },
  });

  r.post('/api/v1/ledger/cosign', {
    config: { access: ['cochair'] },
    schema: { tags, summary: 'Cosign a signed tree head with your registered key', body: S.CosignBody, response: { 201: S.Head } },
    handler: async (req, reply) => {
      const me = principal(req);
      const head = await store.headAt(db, req.body.size);
      if (!head) throw new ApiError('NOT_FOUND', `No signed head of size ${req.body.size}.`, 'size');
      const registered = await signingKeyOf(db, me.accountId);
      const key = registered ? parsePublicKey(registered) : null;
      if (!key) throw new ApiError('INCONSISTENT', 'Register your public key first (PUT /api/v1/ledger/signing-key).', 'signature');
      const payload = headPayload({ size: head.size, rootHash: head.rootHash, timestamp: head.at.toISOString(), keyId: head.keyId });
      if (!verifyPayload(key.pem, payload, req.body.signature)) {
        throw new ApiError('VALIDATION_FAILED', 'The signature does not verify over this head’s signed bytes with your registered key.', 'signature');
      }
      await store.insertCosignature(db, { size: head.size, accountId: me.accountId, keyId: key.keyId, publicKey: key.pem, signature: req.body.signature });
      return reply.code(201).send(await headJson(head));
    },
  });
}
