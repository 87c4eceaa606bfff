// Shapes of the server's JSON (see the API contract in /openapi.json).

export type Role = string;

export interface Account {
  id: string;
  name: string;
  role: Role;
  partyId: string | null;
}

export interface Session {
  account: Account;
  csrfToken: string;
}

export type PartyKind = 'state_force' | 'coalition' | 'non_state_armed_group' | 'other';
export type PartyStatus = 'committed' | 'withdrawn' | 'suspended' | 'not_committed' | 'designated';

export interface Party {
  id: string;
  name: string;
  aliases: string[];
  kind: PartyKind;
  homeState: string | null;
  operatesIn: string[];
  designation: { designated: boolean; basis: string | null; since: string | null };
  status: PartyStatus;
  isCochair: boolean;
  createdAt: string;
  updatedAt: string;
}

export type CommitmentType = 'committed' | 'withdrawn' | 'suspended' | 'reinstated';

export interface CommitmentEvent {
  id: string;
  type: CommitmentType;
  at: string;
  viaPartyId: string | null;
  termsId: string | null;
  note: string | null;
  late: boolean;
  recordedAt: string;
}

export interface PartyDetail extends Party {
  history: CommitmentEvent[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Health {
  status: string;
  db: string;
}

export interface Cosignature {
  accountId: string;
  accountName: string;
  partyId: string | null;
  keyId: string;
  signature: string;
  at: string;
}

export interface LedgerHead {
  size: number;
  rootHash: string;
  timestamp: string;
  keyId: string;
  signature: string;
  publicKey: string;
  signed: string;
  cosignatures: Cosignature[];
}

export interface LedgerEntry {
  seq: number;
  /** The leaf format: 1 (before salts) or 2. */
  version: number;
  /** Withheld for a format 1 leaf of a type the caller may not read. */
  leaf?: string;
  leafHash: string;
  time: string;
  /** Absent where the caller may not know who wrote. */
  actor?: { id: string | null; role: string };
  action: string;
  entity: { type: string; id?: string };
  stateHash?: string;
  /** Format 2, sensitive types: the commitment to actor and entity. */
  subject?: string;
}

export interface LedgerEntries {
  start: number;
  end: number;
  size: number;
  items: LedgerEntry[];
}

export interface EntityProof {
  entity: { type: string; id: string };
  leaf: LedgerEntry;
  head: LedgerHead;
  proof: string[];
  /** To whoever may read the row: its salt (hex) and canonical state. */
  salt?: string;
  state?: unknown;
}

// Territory, protected sites, corridors and vetting (issue 4).

export interface GeoFeature<G = GeoJSONGeometry, P = Record<string, unknown>> {
  type: 'Feature';
  id?: string;
  geometry: G;
  properties: P;
}
export interface GeoCollection<G = GeoJSONGeometry, P = Record<string, unknown>> {
  type: 'FeatureCollection';
  at?: string;
  nextCursor?: string | null;
  features: GeoFeature<G, P>[];
}
export type GeoJSONGeometry = import('geojson').Geometry;

export interface TerritoryProps {
  id: string;
  partyId: string;
  partyName: string;
  status: PartyStatus;
  validFrom: string;
  source: string | null;
  note: string | null;
  areaKm2: number;
}
export interface OverlapProps {
  partyIds: string[];
  partyNames: string[];
  areaKm2: number;
}
export interface SiteProps {
  id: string;
  kind: string;
  name: string;
  bufferM: number;
  validFrom: string;
  validTo: string | null;
  organisation: string | null;
  /** At the time listed; the map lists only active sites (withdrawn and rejected ones protect nothing). */
  status: 'active' | 'withdrawn' | 'rejected';
}
export interface CorridorProps {
  id: string;
  name: string;
  widthM: number;
  validFrom: string;
  validTo: string;
}

export interface TerritoryChange {
  partyId: string;
  partyName: string;
  fromVersionId: string | null;
  toVersionId: string | null;
  gainedKm2: number;
  lostKm2: number;
  gained: import('geojson').MultiPolygon | null;
  lost: import('geojson').MultiPolygon | null;
}
export interface TerritoryChanges {
  from: string;
  to: string;
  parties: TerritoryChange[];
}

export type VettingDecision = 'permitted' | 'prohibited' | 'review';

export interface VettingReason {
  code: string;
  detail: string;
  partyIds?: string[];
  distanceM?: number;
  siteId?: string;
  corridorId?: string;
  states?: string[];
}

export interface Vetting {
  id: string;
  decision: VettingDecision;
  reasons: VettingReason[];
  dataVersion: number;
  target: import('geojson').Point | import('geojson').Polygon;
  radiusM: number | null;
  at: string;
  requestingPartyId: string;
  note: string | null;
  requestedBy: string | null;
  requestedAt: string;
}

export interface VettingReplay {
  id: string;
  dataVersion: number;
  decision: VettingDecision;
  reasons: VettingReason[];
  same: boolean;
  recorded: { decision: VettingDecision; reasons: VettingReason[] };
}

// ---- Gazetteer (GET /api/v1/places?q=&limit=&kind=) ----

export type PlaceKind = 'adm1' | 'adm2' | 'adm3' | 'town' | 'neighbourhood';
export interface AdminRef {
  code: string;
  name: string;
}
export interface Place {
  id: string;
  name: string;
  nameAr?: string;
  kind: PlaceKind;
  /** An administrative unit's own P-code. */
  pcode?: string;
  adm1: AdminRef | null;
  adm2: AdminRef | null;
  adm3: AdminRef | null;
  lon: number;
  lat: number;
  population?: number;
  source: 'ocha' | 'geonames' | 'ocha+geonames';
  /** ISO 3166-1 alpha-3. */
  country: string;
  aliases: string[];
  /** How the name matched the query, best first: exact, variant spelling, word prefix, other script. */
  match: 'exact' | 'variant' | 'prefix' | 'script';
}
export interface PlaceList {
  items: Place[];
}

// The live stream, GET /api/v1/stream (issue 9, src/events). An EventSource on it receives, for
// each ledger entry the caller may see, an event named after the entity type (`site`, `party`,
// `incident`, ...) whose `lastEventId` is the leaf index and whose data is a StreamEvent;
// EventSource resumes from the last id by itself when the connection drops or the server ends it.
export interface StreamEvent {
  type: string;
  action: string;
  id: string;
  at: string;
  /** A withdrawal or rejection of a site (`site_event`): the site it ends. */
  siteId?: string;
  /** What the capability adds for its types (the incidents desk: the incident as the caller may see it). */
  [extra: string]: unknown;
}
