// Each party in its own colour (the map's "colour by party" toggle). A fixed qualitative
// palette (hand-picked: distinct on the beige base map and from each other, none of the
// blues used by sites and corridors), given out in the order of the parties' creation, so a
// party keeps its colour from one visit to the next as long as no party is deleted (none is).
import type { ExpressionSpecification } from 'maplibre-gl';

export const PARTY_PALETTE = [
  '#e6194b', '#3cb44b', '#f58231', '#911eb4', '#42a5a5', '#f032e6', '#8c6d1f', '#808000',
  '#9a6324', '#800000', '#469990', '#e377c2', '#2ca02c', '#ff7f0e', '#bcbd22', '#5b3a8c',
  '#c49c94', '#17becf', '#7f7f7f', '#d62728',
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
