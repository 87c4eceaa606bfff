// The vetting target on the map: it must stand out on any territory fill, so it is drawn as a
// white halo under a solid outline, filled with stripes of its colour edged in white (the other
// diagonal from the overlapping claims' hatch), the ground still showing between them. Its colour
// is the decision's once vetted, dark ink before.
import type { ExpressionSpecification, MapLibreMap } from 'maplibre-gl';
import { h } from '../ui/dom.ts';
import { EMPTY } from './overlays.ts';
import { DECISION_COLORS, TARGET_HALO } from './style.ts';

type Decision = keyof typeof DECISION_COLORS;
const DECISIONS = Object.keys(DECISION_COLORS) as Decision[];
const patternName = (d: Decision): string => `truce-target-${d}`;

/** By the feature's `decision` property: the decision's colour, or pending's for anything else. */
const byDecision = (value: (d: Decision) => string): ExpressionSpecification =>
  ['match', ['get', 'decision'], ...DECISIONS.filter((d) => d !== 'pending').flatMap((d) => [d, value(d)]), value('pending')] as unknown as ExpressionSpecification;

function stripes(colour: string, size = 12): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  ctx.lineCap = 'square';
  // "\" diagonals, drawn three times across the tile's edges so the pattern joins up; white first, wider, as each stripe's edge
  for (const [style, width] of [[TARGET_HALO, 5], [colour, 2.5]] as const) {
    ctx.strokeStyle = style;
    ctx.lineWidth = width;
    for (const offset of [-size, 0, size]) {
      ctx.beginPath();
      ctx.moveTo(offset, 0);
      ctx.lineTo(offset + size, size);
      ctx.stroke();
    }
  }
  return ctx.getImageData(0, 0, size, size);
}

/** Sources `vet-target` (the target: Polygon or Point features with a `decision`) and `vet-draft` (a polygon being drawn). */
export function addTargetLayers(m: MapLibreMap): void {
  for (const d of DECISIONS) if (!m.hasImage(patternName(d))) m.addImage(patternName(d), stripes(DECISION_COLORS[d]), { pixelRatio: 1 });
  const colour = byDecision((d) => DECISION_COLORS[d]);
  const polygon: ExpressionSpecification = ['==', ['geometry-type'], 'Polygon'];
  const point: ExpressionSpecification = ['==', ['geometry-type'], 'Point'];
  m.addSource('vet-target', { type: 'geojson', data: EMPTY });
  m.addSource('vet-draft', { type: 'geojson', data: EMPTY });
  m.addLayer({ id: 'vet-target-fill', type: 'fill', source: 'vet-target', filter: polygon, paint: { 'fill-pattern': byDecision(patternName), 'fill-opacity': 0.85 } });
  m.addLayer({ id: 'vet-target-halo', type: 'line', source: 'vet-target', filter: polygon, layout: { 'line-join': 'round' }, paint: { 'line-color': TARGET_HALO, 'line-width': 7, 'line-opacity': 0.95 } });
  m.addLayer({ id: 'vet-target-line', type: 'line', source: 'vet-target', filter: polygon, layout: { 'line-join': 'round' }, paint: { 'line-color': colour, 'line-width': 3 } });
  m.addLayer({
    id: 'vet-target-point-halo',
    type: 'circle',
    source: 'vet-target',
    filter: point,
    paint: { 'circle-color': TARGET_HALO, 'circle-opacity': 0.95, 'circle-radius': 12, 'circle-stroke-color': DECISION_COLORS.pending, 'circle-stroke-width': 1.5 },
  });
  m.addLayer({
    id: 'vet-target-point',
    type: 'circle',
    source: 'vet-target',
    filter: point,
    paint: { 'circle-color': colour, 'circle-radius': 6.5, 'circle-stroke-color': TARGET_HALO, 'circle-stroke-width': 1 },
  });
  m.addLayer({ id: 'vet-draft-halo', type: 'line', source: 'vet-draft', paint: { 'line-color': TARGET_HALO, 'line-width': 5, 'line-opacity': 0.9 } });
  m.addLayer({ id: 'vet-draft-line', type: 'line', source: 'vet-draft', paint: { 'line-color': DECISION_COLORS.pending, 'line-width': 2, 'line-dasharray': [2, 1] } });
  m.addLayer({
    id: 'vet-draft-vertex',
    type: 'circle',
    source: 'vet-draft',
    filter: point,
    paint: { 'circle-color': TARGET_HALO, 'circle-radius': 5, 'circle-stroke-color': DECISION_COLORS.pending, 'circle-stroke-width': 2.5 },
  });
}

/** The legend's swatch of a target in `colour`: the stripes and the haloed outline, as on the map. */
export function targetSwatch(colour: string): HTMLElement {
  return h('span', {
    class: 'swatch-fill swatch-target',
    style: `background: repeating-linear-gradient(45deg, ${TARGET_HALO} 0 1px, ${colour} 1px 3px, ${TARGET_HALO} 3px 4px, transparent 4px 7px); border: 2px solid ${colour}; box-shadow: 0 0 0 1.5px ${TARGET_HALO}`,
  });
}

/** The legend's "Target" section: before vetting, then by decision, each named in words. */
export const targetLegendItems = (): [HTMLElement, string, string][] => [
  [targetSwatch(DECISION_COLORS.pending), 'Before vetting', 'target'],
  [targetSwatch(DECISION_COLORS.prohibited), 'Prohibited', 'target-prohibited'],
  [targetSwatch(DECISION_COLORS.review), 'Review', 'target-review'],
  [targetSwatch(DECISION_COLORS.permitted), 'Permitted', 'target-permitted'],
];
