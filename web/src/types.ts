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

// ---- the investigation desk (src/incidents): incidents as the caller may see them

export type IncidentStatus = 'reported' | 'under_review' | 'verified' | 'unverified' | 'disputed' | 'discounted' | 'merged';
/** Airwars grading: confirmed, fair, weak, contested, discounted. */
export type IncidentGrade = 'confirmed' | 'fair' | 'weak' | 'contested' | 'discounted';
export type Finding = 'violation' | 'no_violation' | 'inconclusive';

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

export interface AdminUnitRef {
  code: string;
  name: string;
}

export interface Incident {
  id: string;
  status: IncidentStatus;
  grade: IncidentGrade | null;
  reasoning: string | null;
  eventType: string;
  occurredFrom: string;
  occurredTo: string;
  location: import('geojson').Point | null;
  locationPrecision: string | null;
  pcodes: { adm1?: AdminUnitRef | null; adm2?: AdminUnitRef | null; adm3?: AdminUnitRef | null };
  perpetratorPartyIds: string[];
  targetPartyIds: string[];
  casualties: Casualties;
  reportCount: number;
  /** Set when the incident was merged into another (status 'merged'). */
  mergedInto: string | null;
  publishedAt: string | null;
  /** The latest standing determination; to the desk, else the open proposal. */
  determination: { id: string; finding: Finding; violatorPartyIds: string[]; standing: boolean; concurredBy: string[] } | null;
  createdAt: string;
  updatedAt: string;
}

export interface IncidentClaim {
  id: string;
  incidentId: string;
  partyId: string;
  claimedAt: string;
  text: string;
  perpetratorPartyIds: string[];
  casualties: Casualties;
  source: string | null;
  recordedAt: string;
}

export interface InfoRequest {
  id: string;
  incidentId: string;
  addressedToPartyId: string;
  question: string;
  dueAt: string;
  askedAt: string;
  /** Past due and unanswered. */
  overdue: boolean;
  answers: { id: string; text: string; answeredAt: string }[];
}

export interface Determination {
  id: string;
  incidentId: string;
  finding: Finding;
  violatorPartyIds: string[];
  reasoning: string;
  proposedPartyId: string | null;
  proposedAt: string;
  standing: boolean;
  superseded: boolean;
  concurredBy: string[];
  cochairPartyIds: string[];
  concurrences: { id: string; partyId: string; concurredAt: string }[];
}

export interface IncidentHistoryItem {
  type: 'review' | 'merge' | 'split' | 'publish';
  status: string | null;
  grade: string | null;
  reasoning: string | null;
  detail: Record<string, unknown>;
  at: string;
  /** Shown to the desk only. */
  by?: { accountId: string | null; role: string };
}

/** A report inside an incident, as the caller may see it: no text, sources or reporter unless the caller may read them. */
export interface IncidentReport {
  id: string;
  channel: string;
  occurredAt: string;
  occurredPrecision: string;
  occurredWindow: { from: string; to: string };
  location: import('geojson').Point | null;
  locationPrecision: string | null;
  placeName: string | null;
  eventType: string;
  perpetratorPartyIds: string[];
  targetPartyIds: string[];
  casualties: Casualties;
  filedAt: string;
  incidentId: string;
  pinned?: boolean;
  enrichment: Record<string, unknown>;
  text?: string | null;
  sources?: { url?: string; description?: string; sha256?: string }[];
  reporter?: { accountId: string; role: string; partyId: string | null; organisation: string | null };
}

export interface IncidentDetail extends Incident {
  reports: IncidentReport[];
  claims: IncidentClaim[];
  requests: InfoRequest[];
  determinations: Determination[];
  history: IncidentHistoryItem[];
}

export interface IncidentList {
  items: Incident[];
  next: string | null;
}

export interface IncidentAggregates {
  by: 'day' | 'adm1' | 'adm2' | 'party' | 'type';
  buckets: { key: string | null; count: number }[];
  /** Incidents matched (an incident naming two parties is in two party buckets and counted once here). */
  total: number;
}

/** GET /incidents with Accept: application/geo+json. */
export interface IncidentFeatures {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: string; geometry: import('geojson').Point | null; properties: Omit<Incident, 'location'> }[];
  links: { rel: 'next'; href: string; type: 'application/geo+json' }[];
  next: string | null;
}

/** Stream events of the desk (GET /stream): the incident as the caller sees it. */
export interface IncidentEvent {
  type: 'report' | 'incident' | 'incident_event' | 'claim' | 'info_request' | 'info_answer' | 'determination' | 'concurrence';
  action: string;
  id: string;
  at: string;
  incident?: Incident;
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

// ---- reports (issue 9; the desk's and the gazetteer's shapes above, the stream's below)

export type ReportChannel = 'api' | 'web' | 'hotline' | 'import' | 'open_source';
export type OccurredPrecision = 'exact' | 'day' | 'week' | 'month';
export type LocationPrecision = 'exact' | 'near' | 'adm3' | 'adm2' | 'adm1';
export type EventType =
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

export interface ReportSource {
  url?: string;
  description?: string;
  sha256?: string;
}

/** POST /api/v1/reports (the reporter is the caller). */
export interface ReportInput {
  channel: ReportChannel;
  occurredAt: string;
  occurredPrecision?: OccurredPrecision;
  location?: import('geojson').Point;
  locationPrecision?: LocationPrecision;
  placeName?: string;
  eventType: EventType;
  perpetratorPartyIds?: string[];
  targetPartyIds?: string[];
  casualties?: Casualties;
  sources?: ReportSource[];
  text?: string;
  /** An importer's own id of the event (channel import only). */
  sourceRef?: string;
}

export interface PlaceCandidate {
  name: string;
  pcode?: string | null;
  lon: number;
  lat: number;
}

/** What enrichment stored with a report (each part only to the roles that may see it). */
export interface ReportEnrichment {
  pcodes?: { adm1: AdminUnitRef | null; adm2: AdminUnitRef | null; adm3: AdminUnitRef | null };
  territory?: { partyId: string; status: string; alsoHeldBy?: { partyId: string; status: string }[] } | null;
  nearestSite?: { siteId: string; name: string; distanceM: number } | null;
  /** The notification leaf's RFC 9162 inclusion proof: the audit path (hex) in the tree of treeSize leaves whose root is rootHash. */
  notifiedSiteHit?: { siteId: string; notifiedAt: string; leafIndex: number; proof: { treeSize: number; rootHash: string; leafHash: string; path: string[] } } | null;
  /** placeName was located by the gazetteer as this place. */
  located?: { placeName: string; name: string; pcode: string | null };
  placeCandidates?: PlaceCandidate[];
}

/** POST /api/v1/reports answers this (GET /api/v1/reports/{id} too). */
export interface Report extends Omit<IncidentReport, 'enrichment'> {
  acled: { eventType: string; subEventType: string };
  incidentId: string;
  enrichment: ReportEnrichment;
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

// ---- Humanitarian access (issue 10, src/aid): besieged areas, convoys, approvals, figures.
// Stream events for these carry the entity types `besieged_area`, `convoy` and `convoy_approval`.

export type BesiegedStatus = 'besieged' | 'hard_to_reach' | 'lifted';

export interface BesiegedArea {
  id: string;
  name: string;
  status: BesiegedStatus;
  /** When the current status began (ISO 8601). */
  since: string;
  /** A Polygon or MultiPolygon: the one given, or the union of the OCHA units named by pcodes. */
  geometry: import('geojson').Polygon | import('geojson').MultiPolygon;
  pcodes: string[];
  population: { count: number; asOf: string; source: string };
  besiegingPartyIds: string[];
  lastDeliveryAt: string | null;
  daysSinceLastDelivery: number | null;
  /** Status events, oldest first (never edited). */
  history: { at: string; status: BesiegedStatus; reason?: string }[];
  /** True for demo rows invented to illustrate (not a UN figure). */
  illustrative?: boolean;
}

export interface BesiegedAreaList {
  items: BesiegedArea[];
}

/** POST /api/v1/besieged-areas (admin, secretariat): geometry or pcodes. */
export interface BesiegedAreaInput {
  name: string;
  geometry?: import('geojson').Polygon | import('geojson').MultiPolygon;
  pcodes?: string[];
  population: { count: number; asOf: string; source: string };
  besiegingPartyIds: string[];
  status: BesiegedStatus;
  since: string;
}

/** POST /api/v1/besieged-areas/:id/status */
export interface BesiegedStatusInput {
  status: BesiegedStatus;
  at: string;
  reason: string;
}

export type ConvoyState = 'requested' | 'approved' | 'dispatched' | 'delivered' | 'partially_delivered' | 'blocked' | 'cancelled';
export type CargoCategory = 'food' | 'medical' | 'shelter' | 'water_sanitation' | 'other';

export interface CargoLine {
  category: CargoCategory;
  item?: string;
  quantity: number;
  unit: string;
}

export type ApprovalStatus = 'pending' | 'granted' | 'denied';

export interface Approval {
  partyId: string;
  partyName: string;
  /** Why this party must approve: its territory is crossed, or it besieges the destination. */
  reason: 'territory' | 'besieger';
  status: ApprovalStatus;
  conditions?: string;
  denialReason?: string;
  decidedAt?: string;
  waitingSince: string;
}

export interface ConvoyHistoryItem {
  at: string;
  /** requested, approval_added, approval_dropped, granted, denied, approved, dispatched, delivered, partially_delivered, blocked, cancelled */
  type: string;
  detail: string;
  by?: string;
  /** The siege_or_aid_denial report filed for a block or removed cargo. */
  reportId?: string;
}

export interface Convoy {
  id: string;
  /** full: the caller's own (or the task force's view); route: another agency's approved convoy, with empty cargo, approvals, history and reportIds and peopleToReach 0. */
  view: 'full' | 'route';
  state: ConvoyState;
  /** The requesting agency (organisation). */
  agency: string;
  originName: string;
  destinationAreaId: string;
  route: import('geojson').LineString;
  window: { from: string; to: string };
  cargo: CargoLine[];
  peopleToReach: number;
  approvals: Approval[];
  history: ConvoyHistoryItem[];
  reportIds: string[];
  createdAt: string;
  /** Demo convoys are invented: marked illustrative. */
  illustrative?: boolean;
}

export interface ConvoyList {
  items: Convoy[];
}

/** POST /api/v1/convoys (agency, admin, secretariat) → 201 Convoy */
export interface ConvoyInput {
  agency?: string;
  originName: string;
  destinationAreaId: string;
  route: import('geojson').LineString;
  window: { from: string; to: string };
  cargo: CargoLine[];
  peopleToReach: number;
}

/** POST /api/v1/convoys/:id/approvals/:partyId */
export interface ApprovalInput {
  status: 'granted' | 'denied';
  conditions?: string;
  reason?: string;
}

/** POST /api/v1/convoys/:id/deliver */
export interface DeliveryInput {
  at?: string;
  removed?: (CargoLine & { byPartyId: string; where?: import('geojson').Point })[];
}

/** POST /api/v1/convoys/:id/block */
export interface BlockInput {
  at?: string;
  where: import('geojson').Point;
  byPartyId: string;
  reason: string;
}

/** GET /api/v1/aid/figures?from=&to= (public) */
export interface AidFigures {
  from: string;
  to: string;
  areas: { areaId: string; name: string; population: number; peopleReached: number; daysSinceLastDelivery: number | null }[];
  besiegedPopulation: number;
  /** peopleReached over besieged population, 0..1 (capped per area at its population). */
  reachedShare: number;
  pendingApprovals: { partyId: string; partyName: string; pending: number; longestWaitDays: number }[];
}

// ---- the map at scale (issue 11): GET /api/v1/incidents/clusters?bbox=&zoom=&from=&to=&type=&status=&partyId=

/** One cell of the server's grid: its incidents in the view (a cluster of one carries its incident). */
export interface IncidentCluster {
  count: number;
  lon: number;
  lat: number;
  /** [w, s, e, n] of its incidents. */
  bounds: [number, number, number, number];
  incident?: { id: string; status: IncidentStatus; eventType: string; partyId: string | null };
}

export interface IncidentClusters {
  zoom: number;
  /** The sum of the clusters' counts: the incidents in the view. */
  inView: number;
  /** Incidents matching the filters anywhere, with and without a location. */
  located: number;
  unlocated: number;
  version: number;
  clusters: IncidentCluster[];
}

// ---- vetting at full scale (issue 12): the history and batches

/** A decision as the history lists it to the task force: the exact view, what the caller was told, and its links. */
export interface VettingHistoryItem extends Vetting {
  told?: { decision: VettingDecision; reasons: VettingReason[]; basis: 'exact' | 'grid' | 'flagged' | null };
  /** The seq of the decision's ledger leaf (null if none is found). */
  ledgerSeq?: number | null;
  links?: { ledgerEntry: string | null; proof: string; replay: string };
}

export interface VettingHistory {
  items: VettingHistoryItem[];
  nextCursor: string | null;
}

/** POST /api/v1/vetting/batch: one target of the request. */
export interface VettingBatchTarget {
  target: import('geojson').Point | import('geojson').Polygon;
  radiusM?: number;
  at?: string;
  note?: string;
}

export interface VettingBatchItem extends Vetting {
  index: number;
  told?: VettingHistoryItem['told'];
}

/** POST /api/v1/vetting/batch → 201 */
export interface VettingBatchResult {
  requestingPartyId: string;
  count: number;
  decisions: Record<VettingDecision, number>;
  items: VettingBatchItem[];
}
