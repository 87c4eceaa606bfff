// The aid API's shapes as the contract states them, until the backend's own types
// land in web/src/types.ts (then this file re-exports those).
import type { Geometry, LineString } from 'geojson';

export type BesiegedStatus = 'besieged' | 'hard_to_reach' | 'lifted';
export interface BesiegedArea {
  id: string;
  name: string;
  status: BesiegedStatus;
  since: string;
  geometry: Geometry;
  pcodes?: unknown;
  population: { count: number; asOf: string; source: string };
  besiegingPartyIds: string[];
  lastDeliveryAt: string | null;
  daysSinceLastDelivery: number | null;
  history?: unknown[];
}

export type ConvoyState = 'requested' | 'approved' | 'dispatched' | 'delivered' | 'partially_delivered' | 'blocked' | 'cancelled';
export type CargoCategory = 'food' | 'medical' | 'shelter' | 'water_sanitation' | 'other';
export interface CargoItem {
  category: CargoCategory;
  item?: string;
  quantity: number;
  unit: string;
}
export interface Approval {
  partyId: string;
  partyName: string;
  reason: 'territory' | 'besieger';
  status: 'pending' | 'granted' | 'denied';
  conditions?: string | null;
  denialReason?: string | null;
  decidedAt?: string | null;
  waitingSince: string;
}
export interface ConvoyEvent {
  at: string;
  type: string;
  detail?: unknown;
  by?: unknown;
  reportId?: string | null;
}
export interface Convoy {
  id: string;
  state: ConvoyState;
  agency: string;
  originName: string;
  destinationAreaId: string;
  route: LineString;
  window: { from: string; to: string };
  cargo: CargoItem[];
  peopleToReach: number;
  approvals: Approval[];
  history: ConvoyEvent[];
  reportIds: string[];
  createdAt: string;
}
export interface ConvoyInput {
  agency: string;
  originName: string;
  destinationAreaId: string;
  route: LineString;
  window: { from: string; to: string };
  cargo: CargoItem[];
  peopleToReach: number;
}
export interface AidFigures {
  from: string;
  to: string;
  areas: { areaId: string; name: string; population: number; peopleReached: number; daysSinceLastDelivery: number | null }[];
  besiegedPopulation: number;
  reachedShare: number;
  pendingApprovals: { partyId: string; partyName: string; pending: number; longestWaitDays: number }[];
}
