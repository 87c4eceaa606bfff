// The documents of OGC API – Features, Part 1: Core with GeoJSON (pure): the landing page, the
// conformance declaration, the collections and a page of items, every link with rel and type.
// Links are absolute (GDAL and QGIS follow `next` as given), built on the base the request came to.

export const JSON_TYPE = 'application/json';
export const GEOJSON_TYPE = 'application/geo+json';
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.1';
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

/**
 * Core and GeoJSON. Not oas30: the API definition the landing page links is OpenAPI 3.1 (the one
 * the whole API publishes at /openapi.json), and that class asks for an OpenAPI 3.0 document.
 * Not html: every answer is JSON.
 */
export const CONFORMANCE = ['http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core', 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson'];

export interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

export type CollectionId = 'incidents' | 'territories' | 'admin-areas';
export const COLLECTION_IDS: readonly CollectionId[] = ['incidents', 'territories', 'admin-areas'];
export const isCollectionId = (s: string): s is CollectionId => (COLLECTION_IDS as readonly string[]).includes(s);

interface CollectionInfo {
  title: string;
  description: string;
}

const INFO: Record<CollectionId, CollectionInfo> = {
  incidents: {
    title: 'Incidents',
    description:
      'Incidents of the investigation desk as GET /api/v1/incidents lists them to the caller (what its role may see, with the same properties), newest first. ' +
      'datetime: the incident’s occurrence window (occurredFrom..occurredTo) overlaps it. bbox: located in it (incidents known only by their unit have no geometry and no bbox matches them).',
  },
  territories: {
    title: 'Territorial control',
    description:
      'The map of control at one instant: each party’s version of its area in force then, with the party’s status then. datetime: that instant (default now; an interval is refused). ' +
      'bbox: the area meets the box.',
  },
  'admin-areas': {
    title: 'Administrative areas (UN OCHA)',
    description:
      'The UN OCHA administrative boundaries shipped with the deployment: governorates (level 1), districts (2) and sub-districts (3), each with its P-code, ' +
      'names and parent units (feature id: the P-code). bbox: the area meets the box. The areas have no time: datetime is checked, and every area matches it.',
  },
};

export const landingPage = (base: string) => ({
  title: 'truce — OGC API – Features',
  description: 'Incidents, territorial control and administrative areas for GIS tools (QGIS, GDAL/OGR), with the API’s own access rules: send Authorization: Bearer <token>.',
  links: [
    { href: `${base}/ogc`, rel: 'self', type: JSON_TYPE, title: 'This document' },
    { href: `${base}/openapi.json`, rel: 'service-desc', type: OPENAPI_TYPE, title: 'The API definition (OpenAPI 3.1)' },
    { href: `${base}/docs`, rel: 'service-doc', type: 'text/html', title: 'The API documentation' },
    { href: `${base}/ogc/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'Conformance classes implemented' },
    { href: `${base}/ogc/collections`, rel: 'data', type: JSON_TYPE, title: 'The feature collections' },
  ] satisfies Link[],
});

export const conformance = () => ({ conformsTo: CONFORMANCE });

/** The spatial extent of a collection, when it is known without asking the caller's data (admin-areas: the shipped file's). */
export type Extents = Partial<Record<CollectionId, [number, number, number, number]>>;

export function collection(base: string, id: CollectionId, extents: Extents = {}) {
  const href = `${base}/ogc/collections/${id}`;
  const bbox = extents[id];
  return {
    id,
    title: INFO[id].title,
    description: INFO[id].description,
    links: [
      { href, rel: 'self', type: JSON_TYPE, title: 'This collection' },
      { href: `${href}/items`, rel: 'items', type: GEOJSON_TYPE, title: `${INFO[id].title}: the features` },
    ] satisfies Link[],
    ...(bbox ? { extent: { spatial: { bbox: [bbox], crs: CRS84 } } } : {}),
    itemType: 'feature',
    crs: [CRS84],
  };
}

export const collections = (base: string, extents: Extents = {}) => ({
  links: [{ href: `${base}/ogc/collections`, rel: 'self', type: JSON_TYPE, title: 'The feature collections' }] satisfies Link[],
  collections: COLLECTION_IDS.map((id) => collection(base, id, extents)),
});

export interface Feature {
  type: 'Feature';
  id: string;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
}

/**
 * One page of items: the request's own URL as self, the same query with the next cursor as next
 * (when there is more), numberMatched over every page, numberReturned on this one.
 */
export function featurePage(o: { base: string; id: CollectionId; self: string; next: string | null; features: Feature[]; numberMatched: number; timeStamp: Date }) {
  const links: Link[] = [
    { href: o.self, rel: 'self', type: GEOJSON_TYPE, title: 'This page' },
    ...(o.next ? [{ href: o.next, rel: 'next', type: GEOJSON_TYPE, title: 'The next page' }] : []),
    { href: `${o.base}/ogc/collections/${o.id}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
  ];
  return { type: 'FeatureCollection' as const, timeStamp: o.timeStamp.toISOString(), numberMatched: o.numberMatched, numberReturned: o.features.length, features: o.features, links };
}

/** One feature, with links to itself and its collection. */
export function featureDocument(base: string, id: CollectionId, f: Feature) {
  const href = `${base}/ogc/collections/${id}/items/${encodeURIComponent(f.id)}`;
  return {
    ...f,
    links: [
      { href, rel: 'self', type: GEOJSON_TYPE, title: 'This feature' },
      { href: `${base}/ogc/collections/${id}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
    ] satisfies Link[],
  };
}

/** The bounding box of GeoJSON coordinates (any nesting), or null when there are none. */
export function boundsOf(coordinatesList: unknown[]): [number, number, number, number] | null {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1] as number);
      n = Math.max(n, c[1] as number);
    } else for (const x of c) visit(x);
  };
  for (const c of coordinatesList) visit(c);
  return w === Infinity ? null : [w, s, e, n];
}
