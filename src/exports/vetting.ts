// The vetting history as a file (pure): each decision as the task force gets it from GET
// /api/v1/vetting (the same JSON), written as a GeoJSON Feature (the target as geometry) or a
// CSV row, text cells guarded against spreadsheet formulas as the incident exports' are.
import type { Cell } from './formats.ts';

export const VETTING_FORMATS = ['csv', 'geojson'] as const;
export type VettingFormat = (typeof VETTING_FORMATS)[number];

interface ReasonOut {
  code: string;
  detail: string;
}

/** A decision as the history gives it to the task force (src/vetting/views.ts vettingJson): only what is read here. */
export interface ExportVetting {
  id: string;
  decision: string;
  reasons: ReasonOut[];
  told?: { decision: string; reasons: ReasonOut[]; basis: string | null };
  dataVersion: number;
  target: { type: string; coordinates: unknown };
  radiusM: number | null;
  at: string;
  requestingPartyId: string;
  note: string | null;
  requestedBy: string | null;
  requestedAt: string;
  ledgerSeq?: number | null;
}

export const VETTING_CSV_COLUMNS = [
  'id', 'requestedAt', 'requestedBy', 'requestingPartyId', 'requestingParty', 'at',
  'targetType', 'longitude', 'latitude', 'radiusM', 'target',
  'decision', 'reasonCodes', 'reasons', 'toldDecision', 'toldReasonCodes', 'toldBasis',
  'dataVersion', 'ledgerSeq', 'note',
] as const;

const codes = (rs: ReasonOut[] | undefined) => (rs ?? []).map((r) => r.code).join(';');

/**
 * One row: a point target's longitude and latitude as numbers, every target also as GeoJSON text
 * (a polygon has no other column); reasons as their codes, and their sentences joined by " | ".
 */
export function vettingCells(v: ExportVetting, partyName: (id: string) => string | undefined): Cell[] {
  const point = v.target.type === 'Point' ? (v.target.coordinates as number[]) : null;
  return [
    v.id, v.requestedAt, v.requestedBy, v.requestingPartyId, partyName(v.requestingPartyId) ?? null, v.at,
    v.target.type, point?.[0] ?? null, point?.[1] ?? null, v.radiusM, JSON.stringify({ type: v.target.type, coordinates: v.target.coordinates }),
    v.decision, codes(v.reasons), v.reasons.map((r) => `${r.code}: ${r.detail}`).join(' | '), v.told?.decision ?? null, v.told ? codes(v.told.reasons) : null, v.told?.basis ?? null,
    v.dataVersion, v.ledgerSeq ?? null, v.note,
  ];
}

/** A Feature: the target as geometry (a disc is its centre, with radiusM among the properties), every other field a property. */
export function vettingFeature(v: ExportVetting) {
  const { target, ...properties } = v;
  return { type: 'Feature' as const, id: v.id, geometry: target, properties };
}

export const VETTING_SPECS: Record<VettingFormat, { mediaType: string; extension: string }> = {
  csv: { mediaType: 'text/csv; charset=utf-8', extension: 'csv' },
  geojson: { mediaType: 'application/geo+json', extension: 'geojson' },
};

/** The attachment's name: the time of the export (UTC, to the second). */
export const vettingFileName = (f: VettingFormat, at: Date) => `truce-vetting-${at.toISOString().slice(0, 19).replaceAll(':', '').replace('T', '-')}.${VETTING_SPECS[f].extension}`;
