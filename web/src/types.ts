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

// ---- reports (POST/GET /api/v1/reports, POST /api/v1/reports/batch) ----

export type ReportChannel = 'api' | 'web' | 'hotline' | 'import' | 'open_source';
export type OccurredPrecision = 'exact' | 'day' | 'week' | 'month';
export type LocationPrecision = 'exact' | 'near' | 'adm3' | 'adm2' | 'adm1';
export type ReportEventType =
  | 'airstrike'
  | 'shelling'
  | 'ground_attack'
  | 'sniper_fire'
  | 'attack_on_civilians'
  | 'siege_or_aid_denial'
  | 'cross_border_fire'
  | 'position_enhancement'
  | 'arms_transfer'
  | 'other';

export interface CasualtyFigures {
  best: number;
  low?: number | null;
  high?: number | null;
  civilians?: number | null;
}
export interface Casualties {
  killed?: CasualtyFigures;
  injured?: CasualtyFigures;
}
export interface ReportSource {
  url?: string;
  description?: string;
  sha256?: string;
}
export interface AdminUnitRef {
  code: string;
  name: string;
}

/** What POST /api/v1/reports takes (the reporter is the caller). */
export interface ReportInput {
  channel: ReportChannel;
  occurredAt: string;
  occurredPrecision?: OccurredPrecision;
  location?: import('geojson').Point;
  locationPrecision?: LocationPrecision;
  placeName?: string;
  eventType: ReportEventType;
  perpetratorPartyIds?: string[];
  targetPartyIds?: string[];
  casualties?: Casualties;
  sources?: ReportSource[];
  text?: string;
  sourceRef?: string;
}

export interface Report extends Omit<ReportInput, 'occurredPrecision' | 'location' | 'locationPrecision' | 'placeName' | 'text' | 'sourceRef'> {
  id: string;
  occurredPrecision: OccurredPrecision;
  occurredWindow: { from: string; to: string };
  location: import('geojson').Point | null;
  locationPrecision: LocationPrecision | null;
  placeName: string | null;
  text: string | null;
  sourceRef: string | null;
  acled: { eventType: string; subEventType: string };
  perpetratorPartyIds: string[];
  targetPartyIds: string[];
  casualties: Casualties;
  sources: ReportSource[];
  /** Only to the task force, monitors and the reporter. */
  reporter?: { accountId: string; role: string; partyId: string | null; organisation: string | null };
  filedAt: string;
  incidentId: string | null;
  enrichment: {
    pcodes: { adm1: AdminUnitRef | null; adm2: AdminUnitRef | null; adm3: AdminUnitRef | null };
    territory: { partyId: string; status: PartyStatus; alsoHeldBy?: { partyId: string; status: PartyStatus }[] } | null;
    /** Absent for roles that may not see the site; null when none is near. */
    nearestSite?: { siteId: string; name: string; distanceM: number } | null;
    notifiedSiteHit?: { siteId: string; notifiedAt: string; leafIndex: number; proof: { treeSize: number; rootHash: string; leafHash: string; path: string[] } } | null;
    located?: { placeName: string; name: string; pcode: string | null };
    placeCandidates?: { name: string; pcode: string | null; lon: number; lat: number }[];
  };
  enrichedAt: string | null;
}

export interface ReportBatchResult {
  accepted: number;
  rejected: number;
  results: ({ index: number; status: 'accepted'; report: Report } | { index: number; status: 'rejected'; code: string; errors: { field: string; reason: string }[] })[];
}
