// A convoy's life (pure): the state machine of its steps, and the fold of its events (never
// edited) into its state, its approvals and what its corridor protects.
import type { ApprovalReason, Required } from './approvals.ts';

export const CONVOY_STATES = ['requested', 'approved', 'dispatched', 'delivered', 'partially_delivered', 'blocked', 'cancelled'] as const;
export type ConvoyState = (typeof CONVOY_STATES)[number];
export const CARGO_CATEGORIES = ['food', 'medical', 'shelter', 'water_sanitation', 'other'] as const;
export type CargoCategory = (typeof CARGO_CATEGORIES)[number];

/** The steps that move a convoy; approve and revert follow from the approvals, the rest are asked for. */
export type Step = 'approve' | 'revert' | 'dispatch' | 'deliver' | 'deliver_partially' | 'block' | 'cancel';

const NEXT: Record<Step, Partial<Record<ConvoyState, ConvoyState>>> = {
  approve: { requested: 'approved' },
  // an approval asked after all were granted (a territory change): back to waiting
  revert: { approved: 'requested' },
  dispatch: { approved: 'dispatched' },
  deliver: { dispatched: 'delivered' },
  deliver_partially: { dispatched: 'partially_delivered' },
  block: { dispatched: 'blocked' },
  cancel: { requested: 'cancelled', approved: 'cancelled' },
};

/** The state a step leads to from a state, or null when it does not follow. */
export function transition(state: ConvoyState, step: Step): ConvoyState | null {
  return NEXT[step][state] ?? null;
}

/** The states from which a step follows (for error messages). */
export const fromStates = (step: Step): ConvoyState[] => Object.keys(NEXT[step]) as ConvoyState[];

export const EVENT_TYPES = [
  'requested', 'approval_added', 'approval_dropped', 'granted', 'denied', 'approved', 'reverted',
  'dispatched', 'delivered', 'partially_delivered', 'blocked', 'cancelled',
] as const;
export type ConvoyEventType = (typeof EVENT_TYPES)[number];

/** The state each step event leads to. */
const STATE_OF: Partial<Record<ConvoyEventType, ConvoyState>> = {
  requested: 'requested', approved: 'approved', reverted: 'requested', dispatched: 'dispatched',
  delivered: 'delivered', partially_delivered: 'partially_delivered', blocked: 'blocked', cancelled: 'cancelled',
};

export interface ConvoyEvent {
  type: ConvoyEventType;
  /** epoch ms */
  at: number;
  partyId: string | null;
  data: { reason?: ApprovalReason | string; conditions?: string; removed?: CargoLine[] };
  reportId: string | null;
}

export interface CargoLine {
  category: CargoCategory;
  item?: string;
  quantity: number;
  unit: string;
}

export interface ApprovalState {
  partyId: string;
  reason: ApprovalReason;
  status: 'pending' | 'granted' | 'denied';
  conditions?: string;
  denialReason?: string;
  decidedAt?: number;
  waitingSince: number;
}

export interface Folded {
  state: ConvoyState;
  approvals: ApprovalState[];
  /** Reached approved at least once and not back to waiting since. */
  cleared: boolean;
  cancelledAt: number | null;
  /** When delivered (fully or partially). */
  deliveredAt: number | null;
  reportIds: string[];
}

/** The events, in order, folded into what they add up to. */
export function fold(events: ConvoyEvent[]): Folded {
  let state: ConvoyState = 'requested';
  const approvals = new Map<string, ApprovalState>();
  let cancelledAt: number | null = null;
  let deliveredAt: number | null = null;
  const reportIds: string[] = [];
  for (const e of events) {
    const s = STATE_OF[e.type];
    if (s) state = s;
    if (e.reportId) reportIds.push(e.reportId);
    const p = e.partyId;
    switch (e.type) {
      case 'approval_added':
        approvals.set(p!, { partyId: p!, reason: e.data.reason as ApprovalReason, status: 'pending', waitingSince: e.at });
        break;
      case 'approval_dropped':
        approvals.delete(p!);
        break;
      case 'granted':
      case 'denied': {
        const a = approvals.get(p!);
        if (!a) break;
        approvals.set(p!, {
          partyId: a.partyId, reason: a.reason, waitingSince: a.waitingSince, decidedAt: e.at,
          status: e.type,
          ...(e.type === 'granted' ? (e.data.conditions ? { conditions: e.data.conditions } : {}) : { denialReason: String(e.data.reason ?? '') }),
        });
        break;
      }
      case 'cancelled':
        cancelledAt = e.at;
        break;
      case 'delivered':
      case 'partially_delivered':
        deliveredAt = e.at;
        break;
    }
  }
  const cleared = state !== 'requested' && events.some((e) => e.type === 'approved') && !(state === 'cancelled' && !wasCleared(events));
  return { state, approvals: [...approvals.values()], cleared, cancelledAt, deliveredAt, reportIds };
}

/** Whether the convoy stood approved when it was cancelled (a corridor then held until the cancellation). */
function wasCleared(events: ConvoyEvent[]): boolean {
  let s: ConvoyState = 'requested';
  for (const e of events) {
    if (e.type === 'cancelled') return s === 'approved';
    s = STATE_OF[e.type] ?? s;
  }
  return false;
}

/** All asked and all granted: the step the approvals call for, if any. */
export function approvalStep(state: ConvoyState, approvals: ApprovalState[]): Step | null {
  // nobody to ask (a route across no recorded ground to an area nobody besieges) is approved as asked
  const all = approvals.every((a) => a.status === 'granted');
  if (state === 'requested' && all) return 'approve';
  if (state === 'approved' && !all) return 'revert';
  return null;
}

/**
 * The corridor a convoy's route is for vetting: its window while cleared, ended early by a
 * cancellation; an empty window (validTo before validFrom) once it protects nothing, so a
 * refreshed index drops what it had.
 */
export function corridorWindow(f: Folded, window: { from: number; to: number }): { validFrom: number; validTo: number } {
  if (!f.cleared) return { validFrom: window.from, validTo: window.from - 1 };
  return { validFrom: window.from, validTo: Math.min(window.to, f.cancelledAt ?? Infinity) };
}

/** The approvals as asked now (party and reason), to compare with those required. */
export const asked = (f: Folded): Required[] => f.approvals.map((a) => ({ partyId: a.partyId, reason: a.reason }));

const lineKey = (l: { category: string; item?: string; unit: string }) => `${l.category}\u0000${(l.item ?? '').trim().toLowerCase()}\u0000${l.unit.trim().toLowerCase()}`;

/**
 * Cargo removed at a checkpoint must be cargo the convoy loaded: the same category, item and
 * unit, and in all no more of it than was loaded. The first fault names the line and field.
 */
export function removedFault(loaded: CargoLine[], removed: CargoLine[]): { field: string; reason: string } | null {
  const left = new Map<string, number>();
  for (const l of loaded) left.set(lineKey(l), (left.get(lineKey(l)) ?? 0) + l.quantity);
  for (const [i, r] of removed.entries()) {
    const k = lineKey(r);
    if (!left.has(k)) return { field: `removed.${i}`, reason: `The convoy loaded no ${r.category}${r.item ? ` (${r.item})` : ''} in ${r.unit}.` };
    const rest = left.get(k)! - r.quantity;
    if (rest < 0) return { field: `removed.${i}.quantity`, reason: `${r.quantity} ${r.unit} is more than the ${left.get(k)} ${r.unit} loaded (and not yet counted as removed).` };
    left.set(k, rest);
  }
  return null;
}
