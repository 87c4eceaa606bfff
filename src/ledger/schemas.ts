import { Type } from 'typebox';
import { IsoTime, Nullable, Uuid } from '../http/schemas.ts';

const Hex = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, hex' });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const Cosignature = Type.Object({ accountId: Uuid, accountName: Type.String(), partyId: Nullable(Uuid), keyId: Type.String(), signature: Type.String(), at: IsoTime });
export const Head = Type.Object({
  size: Count,
  rootHash: Hex,
  timestamp: IsoTime,
  keyId: Type.String({ description: 'SHA-256 of the log key (SPKI), hex' }),
  signature: Type.String({ description: 'Ed25519 over the canonical JSON of {log, size, rootHash, timestamp, keyId}, base64' }),
  publicKey: Type.String({ description: 'The log key, SPKI PEM' }),
  signed: Type.String({ description: 'The exact bytes signed and cosigned (UTF-8)' }),
  cosignatures: Type.Array(Cosignature),
});

export const Leaf = Type.Object({
  seq: Count,
  leaf: Type.String({ description: 'The canonical JSON (RFC 8785) that was hashed' }),
  leafHash: Hex,
  time: IsoTime,
  actor: Type.Object({ id: Nullable(Uuid), role: Type.String() }),
  action: Type.String(),
  entity: Type.Object({ type: Type.String(), id: Type.String() }),
  stateHash: Hex,
});

export const EntriesQuery = Type.Object(
  { start: Type.Optional(Count), end: Type.Optional(Count) },
  { additionalProperties: false },
);
export const Entries = Type.Object({ start: Count, end: Count, size: Count, items: Type.Array(Leaf) });

export const InclusionQuery = Type.Object({ index: Count, size: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })) }, { additionalProperties: false });
export const Inclusion = Type.Object({ index: Count, size: Count, leafHash: Hex, rootHash: Hex, proof: Type.Array(Hex) });

export const ConsistencyQuery = Type.Object({ first: Count, second: Type.Optional(Count) }, { additionalProperties: false });
export const Consistency = Type.Object({ first: Count, second: Count, firstRoot: Hex, secondRoot: Hex, proof: Type.Array(Hex) });

export const EntityParams = Type.Object({ type: Type.String({ pattern: '^[a-z_]+$', maxLength: 40 }), id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const EntityProof = Type.Object({ entity: Type.Object({ type: Type.String(), id: Type.String() }), leaf: Leaf, head: Head, proof: Type.Array(Hex) });

export const CosignBody = Type.Object({ size: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), signature: Type.String({ minLength: 1, maxLength: 200, description: 'Ed25519 over the head’s signed bytes, base64' }) }, { additionalProperties: false });
export const SigningKeyBody = Type.Object({ publicKey: Type.String({ minLength: 40, maxLength: 2000, description: 'Ed25519 public key: SPKI PEM, or the raw 32 bytes in base64' }) }, { additionalProperties: false });
export const SigningKey = Type.Object({ accountId: Uuid, keyId: Type.String(), publicKey: Type.String() });
