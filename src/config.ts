// Every setting of truce: its environment variable, its default and why it exists.
import path from 'node:path';

export interface Config {
  /** Interface to listen on; loopback by default so a fresh install is not exposed. */
  host: string;
  /** TCP port of the HTTP API and web app. */
  port: number;
  /** Folder of the embedded PGlite database (used when databaseUrl is unset). */
  dataDir: string;
  /** PostgreSQL + PostGIS server connection string; when set, replaces the embedded database. */
  databaseUrl: string | null;
  /** Connections in the PostgreSQL pool per instance. */
  dbPoolSize: number;
  /** Bearer token of the first admin; when unset on first start one is generated and printed once. */
  adminToken: string | null;
  /** Load the Syria 2016 demo scenario on start. */
  demo: boolean;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  bodyLimit: number;
  /** Trust X-Forwarded-* from a proxy in front (TLS-terminating): true, or a list of its addresses. */
  trustProxy: boolean | string;
  /** Pino log level ('silent' to turn logging off). */
  logLevel: string;
  /** How long a web session lasts from sign-in, in seconds. */
  sessionTtlS: number;
  /** Failed sign-ins in a row after which an account is locked. */
  lockoutThreshold: number;
  /** How long a locked account stays locked, in seconds. */
  lockoutS: number;
  /** A token's last-used time is written at most this often, in seconds, to keep reads cheap. */
  tokenTouchS: number;
  /** Seconds to let requests in flight finish on SIGTERM/SIGINT before closing anyway. */
  shutdownGraceS: number;
  /** The server's Ed25519 tree-head signing key (PKCS#8 PEM, or base64 of it); else a key file in dataDir. */
  ledgerKey: string | null;
  /** Seconds between automatic signed tree heads while the log grows. */
  ledgerHeadIntervalS: number;
  /** Seconds between the embedded database's VACUUM (ANALYZE) runs (PGlite runs no autovacuum); 0 turns it off. */
  analyzeIntervalS: number;
  /** Most vertices a submitted territory, site or corridor geometry may have; larger ones get 422. */
  maxVertices: number;
  /** GeoJSON of the administrative units a territory can be built from by P-code (properties pcode, name, name_ar, adm2_pcode, adm1_pcode, area_sqkm). */
  adminUnitsFile: string;
  /** Milliseconds a verified bearer token is trusted without asking the database again; revoking through this instance applies at once, through another within this time. */
  authCacheMs: number;
  /** Vetting targets each account of a role without site access (liaison) may ask about per minute, single or in batches, so nobody maps the sites by probing. */
  vettingRatePerMinute: number;
  /** The same for the task force (admin, co-chair, secretariat), who see the sites anyway: a load bound, above one full batch. */
  vettingTaskForceRatePerMinute: number;
  /** Past data versions built at once for replays; a replay needing yet another version gets 429 until one is done. */
  vettingReplayBuilds: number;
  /** Most targets of one batch (POST /api/v1/vetting/batch). */
  vettingBatchTargetsMax: number;
  /** Requests each account may make per minute to the routes that scan the whole desk (the map's clusters, OGC API items pages), so no one caller holds the event loop. */
  scanRatePerMinute: number;
  /** Milliseconds between checks for data written by other instances (writes through this one refresh at once). */
  vettingRefreshMs: number;
  /** Largest radius of a point target, in metres. */
  vettingMaxRadiusM: number;
  /** Most vertices of a polygon target. */
  vettingMaxTargetVertices: number;
  /** Most decisions recorded in one grouped commit. */
  vettingBatchMax: number;
  /** Grouped commits of decisions in flight at once on PostgreSQL (the next one's statements overlap the previous one's COMMIT); PGlite always has one. */
  vettingCommitsInFlight: number;
  /** Milliseconds a decision may take before the part still being worked out (off the event loop) is given up: the answer is then a review (DECISION_DEADLINE). */
  vettingDeadlineMs: number;
  /** Clipping of at most about this many edges is done on the event loop (a few milliseconds); larger goes to a worker. */
  vettingInlineEdges: number;
  /** Worker threads for that larger clipping. */
  vettingWorkers: number;
  /** Read the land borders in a worker thread at start, so the first decision after a restart does not wait for them on the event loop; off, they are read on first use. */
  vettingBordersAtStart: boolean;
  /** Keep the vetting index on disk (dataDir/vetting-index.bin), so a restart decides in seconds. */
  vettingSnapshot: boolean;
  /** Below this many territory vertices the index loads fast from the database anyway: no file is written. */
  vettingSnapshotMinVertices: number;
  /** A newer snapshot is written after a change once the last is this many milliseconds old. */
  vettingSnapshotEveryMs: number;
  /** Roles that may vet but not see sites (a party's liaison): largest disc radius they may ask about, in metres. */
  vettingCoarseMaxRadiusM: number;
  /** Those roles: largest polygon target, geodesic area in whole km², so nobody sweeps the map in a few questions. */
  vettingCoarseMaxAreaKm2: number;
  /** Those roles: sites count for them on a grid of cells about this many metres a side (with a secret offset), never finer. */
  vettingGridM: number;
  /** Those roles: referrals to the task force per account and UTC day before the account is flagged and referred whatever it asks. */
  vettingReferralsPerDay: number;
  /** Largest geodesic area of a Polygon site, in km²: a notification protects a place, not a region. */
  siteMaxAreaKm2: number;
  /** Largest diagonal of a Polygon site's bounding box, in metres, so a thin strip cannot cover a region either. */
  siteMaxSpanM: number;
  /** Largest buffer around a site, in metres (422 above). */
  siteMaxBufferM: number;
  /** Notifications an agency's organisation (or an agency account of none) may make per 24 hours; 0 for no limit. */
  siteNotificationsPerDay: number;
  /** Widest corridor, in metres either side of the route. */
  corridorMaxWidthM: number;
  /** Longest corridor route, in km (geodesic). */
  corridorMaxLengthKm: number;
  /** Longest corridor window (validFrom to validTo), in days. */
  corridorMaxDays: number;
  /** How far either side of an approved convoy's route strike vetting protects it (AID_CORRIDOR), in metres; fixed on each convoy when requested. */
  aidCorridorWidthM: number;
  /** Deepest nesting of arrays and objects accepted in a JSON body (400 deeper): recursive checkers must not overflow the stack. */
  maxJsonDepth: number;
  /** Most members of one object in a JSON body (400 above): parsing 100,000 keys alone costs half a second. */
  maxJsonKeys: number;
  /** Most field errors listed in one problem document; the rest are only counted, so a hostile body cannot make a huge answer. */
  maxErrorsReported: number;
  /** Earliest and latest year a time given to the API may have (400 outside): nothing this system records is older or far in the future. */
  minYear: number;
  maxYear: number;
  /** Folder of the OCHA files the gazetteer reads besides the sub-districts: adm0, adm1, adm2, places and neighborhoods .geojson. */
  placesDir: string;
  /** GeoNames towns of neighbouring countries are in the gazetteer when within this many km of the country's outline (adm0). */
  placesTownsRadiusKm: number;
  /** Two records of one name this many km apart or less are one place (an OCHA seat and its GeoNames town; resolving a report's place name). */
  placesSameKm: number;
  // The events hub and GET /api/v1/stream (src/events)
  /** Milliseconds between an instance's checks of the ledger for other instances' entries whose NOTIFY it missed (PostgreSQL; NOTIFY brings them within milliseconds); 0 for none. */
  eventsPollMs: number;
  /** Recent events each instance keeps in memory for streams that fall behind (older ones are read from the ledger). */
  eventsBuffer: number;
  /** Milliseconds between heartbeats (comment lines) on an open stream, so proxies keep it open. */
  streamHeartbeatMs: number;
  /** Longest a stream stays open, in milliseconds; the client reconnects with Last-Event-ID and is authenticated again. */
  streamMaxMs: number;
  /** Milliseconds between re-checks of an open stream's credentials (revoked, signed out, expired: the stream ends); also at once on any account or token change. */
  streamRecheckMs: number;
  /** Streams one account may have open on one instance (429 above). */
  streamsPerAccount: number;
  /** Streams open on one instance in all (429 above). */
  streamsMax: number;
  // ---- reports and incidents (src/incidents) ----
  /** Greatest distance between two point-located reports of one incident, in metres (grouping). */
  groupDistanceM: number;
  /** Greatest gap between the time windows of two reports of one incident, in hours (grouping). */
  groupGapH: number;
  /** Most reports in one POST /reports/batch (413 above). */
  reportBatchMax: number;
  /** Largest body of POST /reports/batch, in bytes: a thousand reports with their text outgrow bodyLimit. */
  reportBatchBodyLimit: number;
  /** A report's nearest protected site is looked for within this many metres. */
  reportSiteSearchM: number;
  /** Seconds the first answer to an Idempotency-Key is kept for its retries. */
  idempotencyTtlS: number;
  // ---- the map at scale (src/incidents/cluster-index.ts) ----
  /** Milliseconds between checks for incidents written by other instances, should the events hub miss one (writes through this one refresh at once). */
  clusterRefreshMs: number;
  /** Build the map's cluster index when the app starts (1 = yes), not on the first map request. */
  clusterWarm: number;
  // ---- exports (src/exports) ----
  /** Exports one account may have running at once on one instance (429 above): each reads the whole list. */
  exportsPerAccount: number;
  /** Exports running at once on one instance in all (429 above); below the pool size, so other requests keep connections. */
  exportsMax: number;
  /** Incidents read per database statement of an export after its first (small) page: bounds its memory. */
  exportChunkRows: number;
  /** Seconds an export waits for a client that reads nothing before ending it (its place is freed). */
  exportStallS: number;
  // ---- webhooks (src/webhooks) ----
  /** Admit webhook URLs over http and to loopback, private, link-local and CGNAT addresses (tests, local deployments); cloud metadata addresses never. */
  webhookAllowPrivate: boolean;
  /** Does this instance fan out and send webhook deliveries? false: an API-only instance (another on the same database sends them), and test apps that send nothing. */
  webhookDeliver: boolean;
  /** Webhooks one account may have registered at once (deleted ones do not count). */
  webhooksPerAccount: number;
  /** Milliseconds between an instance's looks at the outbox and at other instances' ledger entries (its own are handled at once). */
  webhookPollMs: number;
  /** Longest wait for a receiver, per attempt (connect, send, answer), in milliseconds. */
  webhookTimeoutMs: number;
  /** Delay after a delivery's first failed attempt, in ms; doubled after each further one, with jitter. */
  webhookRetryBaseMs: number;
  /** Longest delay between two attempts of one delivery, in ms. */
  webhookRetryMaxMs: number;
  /** Attempts of one delivery before it is given up (marked failed in the log). */
  webhookMaxAttempts: number;
  /** Failed attempts in a row after which a webhook is disabled (its owner re-enables it); 0 for never. */
  webhookDisableAfter: number;
  /** A request for information's "deadline near" notice goes this many hours before it is due. */
  webhookDeadlineNearH: number;
  /** Milliseconds between the deadline job's runs (near and passed deadlines). */
  webhookDeadlineCheckMs: number;
  /** Deadlines crossed longer ago than this many hours (the server was stopped, or they predate the webhooks) are not told any more. */
  webhookDeadlineCatchUpH: number;
  /** A report is near an agency's site when its nearest site (its organisation's) is within this many metres, or when it hits the site's buffer. */
  webhookNearSiteM: number;
  /** Deliveries an instance sends at once. */
  webhookConcurrency: number;
  // ---- imports (src/imports) ----
  /** Largest CSV body of POST /api/v1/imports, in bytes (413 above; `truce import` reads files of any size). */
  importBodyLimit: number;
  /** Most rejected rows an import lists (line and reason); the rest are counted. */
  importRejectsListed: number;
  /** Folder of the built web app served at `/`. */
  webDir: string;
  /** Folder of the shipped reference data served at `/reference/`. */
  referenceDir: string;
}

const root = path.resolve(import.meta.dirname, '..');

function int(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const cfg: Config = {
    host: env.HOST || '127.0.0.1',
    port: int(env.PORT, 8080, 'PORT'),
    dataDir: path.resolve(env.TRUCE_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || null,
    dbPoolSize: int(env.TRUCE_DB_POOL_SIZE, 10, 'TRUCE_DB_POOL_SIZE'),
    adminToken: env.TRUCE_ADMIN_TOKEN || null,
    demo: env.TRUCE_DEMO === '1' || env.TRUCE_DEMO === 'true',
    bodyLimit: int(env.TRUCE_BODY_LIMIT, 1024 * 1024, 'TRUCE_BODY_LIMIT'),
    trustProxy: !env.TRUCE_TRUST_PROXY ? false : env.TRUCE_TRUST_PROXY === 'true' || env.TRUCE_TRUST_PROXY === '1' ? true : env.TRUCE_TRUST_PROXY,
    logLevel: env.TRUCE_LOG_LEVEL || 'info',
    sessionTtlS: int(env.TRUCE_SESSION_TTL_S, 8 * 3600, 'TRUCE_SESSION_TTL_S'),
    lockoutThreshold: int(env.TRUCE_LOCKOUT_THRESHOLD, 5, 'TRUCE_LOCKOUT_THRESHOLD'),
    lockoutS: int(env.TRUCE_LOCKOUT_S, 15 * 60, 'TRUCE_LOCKOUT_S'),
    tokenTouchS: int(env.TRUCE_TOKEN_TOUCH_S, 60, 'TRUCE_TOKEN_TOUCH_S'),
    shutdownGraceS: int(env.TRUCE_SHUTDOWN_GRACE_S, 10, 'TRUCE_SHUTDOWN_GRACE_S'),
    ledgerKey: env.TRUCE_LEDGER_KEY || null,
    ledgerHeadIntervalS: int(env.TRUCE_LEDGER_HEAD_INTERVAL_S, 60, 'TRUCE_LEDGER_HEAD_INTERVAL_S'),
    analyzeIntervalS: int(env.TRUCE_ANALYZE_INTERVAL_S, 900, 'TRUCE_ANALYZE_INTERVAL_S'),
    maxVertices: int(env.TRUCE_MAX_VERTICES, 100_000, 'TRUCE_MAX_VERTICES'),
    adminUnitsFile: env.TRUCE_ADMIN_UNITS ? path.resolve(env.TRUCE_ADMIN_UNITS) : path.join(root, 'reference', 'syria', 'adm3.geojson'),
    authCacheMs: int(env.TRUCE_AUTH_CACHE_MS, 2000, 'TRUCE_AUTH_CACHE_MS'),
    vettingRatePerMinute: int(env.TRUCE_VETTING_RATE_PER_MINUTE, 120, 'TRUCE_VETTING_RATE_PER_MINUTE'),
    vettingTaskForceRatePerMinute: int(env.TRUCE_VETTING_TASK_FORCE_RATE_PER_MINUTE, 1200, 'TRUCE_VETTING_TASK_FORCE_RATE_PER_MINUTE'),
    vettingReplayBuilds: int(env.TRUCE_VETTING_REPLAY_BUILDS, 2, 'TRUCE_VETTING_REPLAY_BUILDS'),
    vettingBatchTargetsMax: int(env.TRUCE_VETTING_BATCH_TARGETS_MAX, 1000, 'TRUCE_VETTING_BATCH_TARGETS_MAX'),
    scanRatePerMinute: int(env.TRUCE_SCAN_RATE_PER_MINUTE, 300, 'TRUCE_SCAN_RATE_PER_MINUTE'),
    vettingRefreshMs: int(env.TRUCE_VETTING_REFRESH_MS, 1000, 'TRUCE_VETTING_REFRESH_MS'),
    vettingMaxRadiusM: int(env.TRUCE_VETTING_MAX_RADIUS_M, 50_000, 'TRUCE_VETTING_MAX_RADIUS_M'),
    vettingMaxTargetVertices: int(env.TRUCE_VETTING_MAX_TARGET_VERTICES, 2_000, 'TRUCE_VETTING_MAX_TARGET_VERTICES'),
    vettingBatchMax: int(env.TRUCE_VETTING_BATCH_MAX, 500, 'TRUCE_VETTING_BATCH_MAX'),
    vettingCommitsInFlight: int(env.TRUCE_VETTING_COMMITS_IN_FLIGHT, 2, 'TRUCE_VETTING_COMMITS_IN_FLIGHT'),
    vettingDeadlineMs: int(env.TRUCE_VETTING_DEADLINE_MS, 250, 'TRUCE_VETTING_DEADLINE_MS'),
    vettingInlineEdges: int(env.TRUCE_VETTING_INLINE_EDGES, 1_000, 'TRUCE_VETTING_INLINE_EDGES'),
    vettingWorkers: int(env.TRUCE_VETTING_WORKERS, 1, 'TRUCE_VETTING_WORKERS'),
    vettingBordersAtStart: !(env.TRUCE_VETTING_BORDERS_AT_START === '0' || env.TRUCE_VETTING_BORDERS_AT_START === 'false'),
    vettingSnapshot: !(env.TRUCE_VETTING_SNAPSHOT === '0' || env.TRUCE_VETTING_SNAPSHOT === 'false'),
    vettingSnapshotMinVertices: int(env.TRUCE_VETTING_SNAPSHOT_MIN_VERTICES, 1_000_000, 'TRUCE_VETTING_SNAPSHOT_MIN_VERTICES'),
    vettingSnapshotEveryMs: int(env.TRUCE_VETTING_SNAPSHOT_EVERY_MS, 600_000, 'TRUCE_VETTING_SNAPSHOT_EVERY_MS'),
    vettingCoarseMaxRadiusM: int(env.TRUCE_VETTING_COARSE_MAX_RADIUS_M, 1000, 'TRUCE_VETTING_COARSE_MAX_RADIUS_M'),
    vettingCoarseMaxAreaKm2: int(env.TRUCE_VETTING_COARSE_MAX_AREA_KM2, 3, 'TRUCE_VETTING_COARSE_MAX_AREA_KM2'),
    vettingGridM: int(env.TRUCE_VETTING_GRID_M, 1000, 'TRUCE_VETTING_GRID_M'),
    vettingReferralsPerDay: int(env.TRUCE_VETTING_REFERRALS_PER_DAY, 5, 'TRUCE_VETTING_REFERRALS_PER_DAY'),
    siteMaxAreaKm2: int(env.TRUCE_SITE_MAX_AREA_KM2, 10, 'TRUCE_SITE_MAX_AREA_KM2'),
    siteMaxSpanM: int(env.TRUCE_SITE_MAX_SPAN_M, 15_000, 'TRUCE_SITE_MAX_SPAN_M'),
    siteMaxBufferM: int(env.TRUCE_SITE_MAX_BUFFER_M, 5_000, 'TRUCE_SITE_MAX_BUFFER_M'),
    siteNotificationsPerDay: int(env.TRUCE_SITE_NOTIFICATIONS_PER_DAY, 200, 'TRUCE_SITE_NOTIFICATIONS_PER_DAY'),
    corridorMaxWidthM: int(env.TRUCE_CORRIDOR_MAX_WIDTH_M, 5_000, 'TRUCE_CORRIDOR_MAX_WIDTH_M'),
    corridorMaxLengthKm: int(env.TRUCE_CORRIDOR_MAX_LENGTH_KM, 1_000, 'TRUCE_CORRIDOR_MAX_LENGTH_KM'),
    corridorMaxDays: int(env.TRUCE_CORRIDOR_MAX_DAYS, 90, 'TRUCE_CORRIDOR_MAX_DAYS'),
    aidCorridorWidthM: int(env.TRUCE_AID_CORRIDOR_WIDTH_M, 1_000, 'TRUCE_AID_CORRIDOR_WIDTH_M'),
    maxJsonDepth: int(env.TRUCE_MAX_JSON_DEPTH, 64, 'TRUCE_MAX_JSON_DEPTH'),
    maxJsonKeys: int(env.TRUCE_MAX_JSON_KEYS, 1000, 'TRUCE_MAX_JSON_KEYS'),
    maxErrorsReported: int(env.TRUCE_MAX_ERRORS_REPORTED, 20, 'TRUCE_MAX_ERRORS_REPORTED'),
    minYear: int(env.TRUCE_MIN_YEAR, 1900, 'TRUCE_MIN_YEAR'),
    maxYear: int(env.TRUCE_MAX_YEAR, 2200, 'TRUCE_MAX_YEAR'),
    placesDir: env.TRUCE_PLACES_DIR ? path.resolve(env.TRUCE_PLACES_DIR) : path.join(root, 'reference', 'syria'),
    placesTownsRadiusKm: int(env.TRUCE_PLACES_TOWNS_RADIUS_KM, 50, 'TRUCE_PLACES_TOWNS_RADIUS_KM'),
    placesSameKm: int(env.TRUCE_PLACES_SAME_KM, 5, 'TRUCE_PLACES_SAME_KM'),
    eventsPollMs: int(env.TRUCE_EVENTS_POLL_MS, 1000, 'TRUCE_EVENTS_POLL_MS'),
    eventsBuffer: int(env.TRUCE_EVENTS_BUFFER, 10_000, 'TRUCE_EVENTS_BUFFER'),
    streamHeartbeatMs: int(env.TRUCE_STREAM_HEARTBEAT_MS, 15_000, 'TRUCE_STREAM_HEARTBEAT_MS'),
    streamMaxMs: int(env.TRUCE_STREAM_MAX_MS, 30 * 60_000, 'TRUCE_STREAM_MAX_MS'),
    streamRecheckMs: int(env.TRUCE_STREAM_RECHECK_MS, 60_000, 'TRUCE_STREAM_RECHECK_MS'),
    streamsPerAccount: int(env.TRUCE_STREAMS_PER_ACCOUNT, 5, 'TRUCE_STREAMS_PER_ACCOUNT'),
    streamsMax: int(env.TRUCE_STREAMS_MAX, 1000, 'TRUCE_STREAMS_MAX'),
    groupDistanceM: int(env.TRUCE_GROUP_DISTANCE_M, 5000, 'TRUCE_GROUP_DISTANCE_M'),
    groupGapH: int(env.TRUCE_GROUP_GAP_H, 6, 'TRUCE_GROUP_GAP_H'),
    reportBatchMax: int(env.TRUCE_REPORT_BATCH_MAX, 1000, 'TRUCE_REPORT_BATCH_MAX'),
    reportBatchBodyLimit: int(env.TRUCE_REPORT_BATCH_BODY_LIMIT, 16 * 1024 * 1024, 'TRUCE_REPORT_BATCH_BODY_LIMIT'),
    reportSiteSearchM: int(env.TRUCE_REPORT_SITE_SEARCH_M, 10_000, 'TRUCE_REPORT_SITE_SEARCH_M'),
    idempotencyTtlS: int(env.TRUCE_IDEMPOTENCY_TTL_S, 86_400, 'TRUCE_IDEMPOTENCY_TTL_S'),
    clusterRefreshMs: int(env.TRUCE_CLUSTER_REFRESH_MS, 5000, 'TRUCE_CLUSTER_REFRESH_MS'),
    clusterWarm: int(env.TRUCE_CLUSTER_WARM, 1, 'TRUCE_CLUSTER_WARM'),
    exportsPerAccount: int(env.TRUCE_EXPORTS_PER_ACCOUNT, 2, 'TRUCE_EXPORTS_PER_ACCOUNT'),
    exportsMax: int(env.TRUCE_EXPORTS_MAX, 4, 'TRUCE_EXPORTS_MAX'),
    exportChunkRows: int(env.TRUCE_EXPORT_CHUNK_ROWS, 2000, 'TRUCE_EXPORT_CHUNK_ROWS'),
    exportStallS: int(env.TRUCE_EXPORT_STALL_S, 60, 'TRUCE_EXPORT_STALL_S'),
    webhookAllowPrivate: env.TRUCE_WEBHOOK_ALLOW_PRIVATE === '1' || env.TRUCE_WEBHOOK_ALLOW_PRIVATE === 'true',
    webhookDeliver: env.TRUCE_WEBHOOK_DELIVER !== '0' && env.TRUCE_WEBHOOK_DELIVER !== 'false',
    webhooksPerAccount: int(env.TRUCE_WEBHOOKS_PER_ACCOUNT, 10, 'TRUCE_WEBHOOKS_PER_ACCOUNT'),
    webhookPollMs: int(env.TRUCE_WEBHOOK_POLL_MS, 1000, 'TRUCE_WEBHOOK_POLL_MS'),
    webhookTimeoutMs: int(env.TRUCE_WEBHOOK_TIMEOUT_MS, 10_000, 'TRUCE_WEBHOOK_TIMEOUT_MS'),
    webhookRetryBaseMs: int(env.TRUCE_WEBHOOK_RETRY_BASE_MS, 30_000, 'TRUCE_WEBHOOK_RETRY_BASE_MS'),
    webhookRetryMaxMs: int(env.TRUCE_WEBHOOK_RETRY_MAX_MS, 6 * 3_600_000, 'TRUCE_WEBHOOK_RETRY_MAX_MS'),
    webhookMaxAttempts: int(env.TRUCE_WEBHOOK_MAX_ATTEMPTS, 12, 'TRUCE_WEBHOOK_MAX_ATTEMPTS'),
    webhookDisableAfter: int(env.TRUCE_WEBHOOK_DISABLE_AFTER, 20, 'TRUCE_WEBHOOK_DISABLE_AFTER'),
    webhookDeadlineNearH: int(env.TRUCE_WEBHOOK_DEADLINE_NEAR_H, 24, 'TRUCE_WEBHOOK_DEADLINE_NEAR_H'),
    webhookDeadlineCheckMs: int(env.TRUCE_WEBHOOK_DEADLINE_CHECK_MS, 60_000, 'TRUCE_WEBHOOK_DEADLINE_CHECK_MS'),
    webhookDeadlineCatchUpH: int(env.TRUCE_WEBHOOK_DEADLINE_CATCH_UP_H, 24, 'TRUCE_WEBHOOK_DEADLINE_CATCH_UP_H'),
    webhookNearSiteM: int(env.TRUCE_WEBHOOK_NEAR_SITE_M, 1_000, 'TRUCE_WEBHOOK_NEAR_SITE_M'),
    webhookConcurrency: int(env.TRUCE_WEBHOOK_CONCURRENCY, 8, 'TRUCE_WEBHOOK_CONCURRENCY'),
    importBodyLimit: int(env.TRUCE_IMPORT_BODY_LIMIT, 32 * 1024 * 1024, 'TRUCE_IMPORT_BODY_LIMIT'),
    importRejectsListed: int(env.TRUCE_IMPORT_REJECTS_LISTED, 100, 'TRUCE_IMPORT_REJECTS_LISTED'),
    webDir: env.TRUCE_WEB_DIR ? path.resolve(env.TRUCE_WEB_DIR) : path.join(root, 'web', 'dist'),
    referenceDir: path.join(root, 'reference'),
    ...overrides,
  };
  if (cfg.minYear < 1 || cfg.maxYear > 9999 || cfg.minYear > cfg.maxYear) throw new ConfigError('TRUCE_MIN_YEAR and TRUCE_MAX_YEAR must be years 1..9999, the first not after the second');
  if (cfg.port > 65535) throw new ConfigError(`PORT must be at most 65535, got ${cfg.port}`);
  if (cfg.vettingGridM < 100) throw new ConfigError(`TRUCE_VETTING_GRID_M must be at least 100, got ${cfg.vettingGridM}`);
  for (const [k, name] of [['streamHeartbeatMs', 'TRUCE_STREAM_HEARTBEAT_MS'], ['streamMaxMs', 'TRUCE_STREAM_MAX_MS'], ['streamRecheckMs', 'TRUCE_STREAM_RECHECK_MS']] as const) {
    if (cfg[k] < 10) throw new ConfigError(`${name} must be at least 10, got ${cfg[k]}`);
  }
  if (cfg.exportChunkRows < 1 || cfg.exportStallS < 1) throw new ConfigError('TRUCE_EXPORT_CHUNK_ROWS and TRUCE_EXPORT_STALL_S must be at least 1');
  if (cfg.webhookTimeoutMs < 100 || cfg.webhookConcurrency < 1 || cfg.webhookMaxAttempts < 1) throw new ConfigError('TRUCE_WEBHOOK_TIMEOUT_MS must be at least 100, TRUCE_WEBHOOK_CONCURRENCY and TRUCE_WEBHOOK_MAX_ATTEMPTS at least 1');
  if (cfg.adminToken !== null && cfg.adminToken.length < 24) throw new ConfigError('TRUCE_ADMIN_TOKEN must have at least 24 characters');
  return cfg;
}
