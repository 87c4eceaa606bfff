// Words and colours of the aid board (pure: no DOM, no map).
import type { BesiegedStatus, CargoCategory, ConvoyState } from '../types.ts';

export const CONVOY_STATES: [ConvoyState, string][] = [
  ['requested', 'Requested'],
  ['approved', 'Approved'],
  ['dispatched', 'Dispatched'],
  ['delivered', 'Delivered'],
  ['partially_delivered', 'Partly delivered'],
  ['blocked', 'Blocked'],
  ['cancelled', 'Cancelled'],
];
export const convoyStateLabel = (s: string): string => CONVOY_STATES.find(([k]) => k === s)?.[1] ?? s;

/**
 * A convoy's route by its state. Chosen apart from the territory fills (green, red, amber,
 * slate), the corridors (purple, dashed) and the sites (mid blue), and told apart by dash as
 * well as hue; every route is drawn over a white casing so it reads on any fill.
 */
export const CONVOY_STYLE: Record<ConvoyState, { colour: string; dash: number[] | null; width: number }> = {
  requested: { colour: '#d6336c', dash: [2, 1.2], width: 3 },
  approved: { colour: '#1971c2', dash: [4, 1.2], width: 3.5 },
  dispatched: { colour: '#0b7285', dash: null, width: 4 },
  delivered: { colour: '#1b2a6b', dash: null, width: 4 },
  partially_delivered: { colour: '#7c4a1e', dash: [5, 1.5], width: 4 },
  blocked: { colour: '#101113', dash: [0.6, 1.4], width: 4 },
  cancelled: { colour: '#9aa4b1', dash: [1.5, 2], width: 2 },
};

export const AREA_STATUSES: [BesiegedStatus, string][] = [
  ['besieged', 'Besieged'],
  ['hard_to_reach', 'Hard to reach'],
  ['lifted', 'Siege lifted'],
];
export const areaStatusLabel = (s: string): string => AREA_STATUSES.find(([k]) => k === s)?.[1] ?? s;
/** Outlines of the areas: near-black for a siege, dark grey dashed for hard to reach. */
export const AREA_STYLE: Record<BesiegedStatus, { line: string; fillOpacity: number; dash: number[] | null }> = {
  besieged: { line: '#1a1b1e', fillOpacity: 0.18, dash: null },
  hard_to_reach: { line: '#495057', fillOpacity: 0.08, dash: [2, 1] },
  lifted: { line: '#868e96', fillOpacity: 0, dash: [1, 2] },
};

export const CARGO_CATEGORIES: [CargoCategory, string][] = [
  ['food', 'Food'],
  ['medical', 'Medical'],
  ['shelter', 'Shelter'],
  ['water_sanitation', 'Water and sanitation'],
  ['other', 'Other'],
];
export const cargoLabel = (c: string): string => CARGO_CATEGORIES.find(([k]) => k === c)?.[1] ?? c;

/** Roles the server lets request convoys, decide approvals, move convoys along. */
export const REQUESTERS = ['admin', 'secretariat', 'agency'];
export const APPROVERS = ['cochair', 'liaison'];
export const MOVERS = ['admin', 'secretariat', 'agency'];

const DAY = 86_400_000;
/** "3 d 4 h", "5 h", "under an hour": how long since `iso` (to `now`). */
export function waitText(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const ms = now - new Date(iso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const d = Math.floor(ms / DAY);
  const hrs = Math.floor((ms % DAY) / 3_600_000);
  if (d >= 3) return `${d} d`;
  if (d > 0) return `${d} d ${hrs} h`;
  return hrs > 0 ? `${hrs} h` : 'under an hour';
}

export const fmtInt = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : Math.round(n).toLocaleString('en-GB'));

/** Route length in km along the great circle between points. */
export function routeKm(coords: number[][]): number {
  let m = 0;
  for (let i = 1; i < coords.length; i++) {
    const [lon1, lat1] = coords[i - 1];
    const [lon2, lat2] = coords[i];
    const r = Math.PI / 180;
    const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
    m += 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
  }
  return m / 1000;
}

/** The days-since badge's tone: over 30 days without aid is an emergency, over 7 a concern. */
export const daysTone = (d: number | null | undefined): 'bad' | 'warn' | 'ok' | 'none' => (d === null || d === undefined ? 'none' : d > 30 ? 'bad' : d > 7 ? 'warn' : 'ok');
