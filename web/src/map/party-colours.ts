// Each party in its own colour (the map's "colour by party" toggle): Kenneth Kelly's colours of
// maximum contrast (1965), less white and black, in his order, so the first parties get the
// most distinct ones. Given out in the order of the parties' creation, a party keeps its colour
// from one visit to the next (parties are never deleted).
import type { ExpressionSpecification } from 'maplibre-gl';

export const PARTY_PALETTE = [
  '#f3c300', '#875692', '#f38400', '#a1caf1', '#be0032', '#c2b280', '#848482', '#008856', '#e68fac', '#0067a5',
  '#f99379', '#604e97', '#f6a600', '#b3446c', '#dcd300', '#882d17', '#8db600', '#654522', '#e25822', '#2b3d26',
];
export const NO_PARTY_COLOUR = '#55606e';

export function partyColours(parties: { id: string; createdAt?: string; name: string }[]): Map<string, string> {
  const order = [...parties].sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id.localeCompare(b.id));
  return new Map(order.map((p, i) => [p.id, PARTY_PALETTE[i % PARTY_PALETTE.length]]));
}

/** A MapLibre colour by the feature's `partyId` property. */
export function partyColourExpression(colours: Map<string, string>): ExpressionSpecification | string {
  if (!colours.size) return NO_PARTY_COLOUR;
  return ['match', ['get', 'partyId'], ...[...colours].flat(), NO_PARTY_COLOUR] as unknown as ExpressionSpecification;
}
