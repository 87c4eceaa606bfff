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
  version: Type.Integer({ minimum: 1, description: 'The leaf format: 1 (before salts) or 2' }),
  leaf: Type.Optional(Type.String({ description: 'The canonical JSON (RFC 8785) that was hashed; withheld for a format 1 leaf of a type the caller may not read' })),
  leafHash: Hex,
  time: IsoTime,
  actor: Type.Optional(Type.Object({ id: Nullable(Uuid), role: Type.String() }, { description: 'Absent where the caller may not know who wrote' })),
  action: Type.String(),
  entity: Type.Object({ type: Type.String(), id: Type.Optional(Type.String({ description: 'Absent where the caller may not know which entity' })) }),
  stateHash: Type.Optional(Hex), // format 2: SHA-256(salt || canonical state)
  subject: Type.Optional(Hex), // format 2, sensitive types: SHA-256(salt || canonical {actor, entity, seq})
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
export const EntityProof = Type.Object({
  entity: Type.Object({ type: Type.String(), id: Type.String() }),
  leaf: Leaf,
  head: Head,
  proof: Type.Array(Hex),
  salt: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The row’s salt, hex, to whoever may read the row: SHA-256(salt || canonical state) is the leaf’s stateHash' })),
  state: Type.Optional(Type.Unknown({ description: 'The row’s canonical state now, to whoever may read the row' })),
});

export const CosignBody = Type.Object({ size: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), signature: Type.String({ minLength: 1, maxLength: 200, description: 'Ed25519 over the head’s signed bytes, base64' }) }, { additionalProperties: false });
export const SigningKeyBody = Type.Object({ publicKey: Type.String({ minLength: 40, maxLength: 2000, description: 'Ed25519 public key: SPKI PEM, or the raw 32 bytes in base64' }) }, { additionalProperties: false });
export const SigningKey = Type.Object({ accountId: Uuid, keyId: Type.String(), publicKey: Type.String() });
