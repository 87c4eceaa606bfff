import { h } from '../ui/dom.ts';
import { canListSites } from './overlays.ts';
import { COLORS, OVERLAY_COLORS, TERRITORY_COLORS } from './style.ts';

type Item = [swatch: HTMLElement, label: string, key: string];

const fill = (color: string, opacity = 0.55): HTMLElement => h('span', { class: 'swatch-fill', style: `background: ${color}; opacity: ${opacity}; border-color: ${color}` });
const line = (color: string, width: number, style = 'solid'): HTMLElement => h('span', { class: 'swatch-line', style: `border-top: ${width}px ${style} ${color}` });
const dot = (color: string): HTMLElement => h('span', { class: 'swatch-dot', style: `background: ${color}` });
const hatch = (): HTMLElement =>
  h('span', { class: 'swatch-fill', style: `background: repeating-linear-gradient(-45deg, ${OVERLAY_COLORS.overlapHatch} 0 2px, transparent 2px 7px); border-color: ${OVERLAY_COLORS.overlapHatch}` });

export const legendList = (items: Item[]): HTMLElement => h('ul', {}, items.map(([swatch, label, key]) => h('li', { 'data-legend': key }, swatch, label)));

function section(title: string, items: Item[]): HTMLElement[] {
  return [h('div', { class: 'panel-title' }, title), legendList(items)];
}

export const territoryLegendItems = (): Item[] => [
  [fill(TERRITORY_COLORS.committed), 'Committed party', 'committed'],
  [fill(TERRITORY_COLORS.designated), 'Designated group', 'designated'],
  [fill(TERRITORY_COLORS.withdrawn), 'Withdrawn or suspended', 'withdrawn'],
  [fill(TERRITORY_COLORS.not_committed), 'Not committed', 'not_committed'],
  [hatch(), 'Overlapping claims', 'overlap'],
];

/** The legend of the operational layers the role sees, with the base map's boundaries; `sections` go before the boundaries. */
export function opsLegend(role: string, extra: Item[] = [], sections: [title: string, items: Item[]][] = []): HTMLElement {
  const ops: Item[] = [
    ...(canListSites(role)
      ? ([
          [dot(OVERLAY_COLORS.site), 'Protected site', 'site'],
          // dashed, as on the map: a flat light blue would read as committed ground
          [h('span', { class: 'swatch-fill', style: `background: transparent; border: 1.5px dashed ${OVERLAY_COLORS.siteBuffer}` }), 'Site buffer', 'site-buffer'],
        ] as Item[])
      : []),
    [line(OVERLAY_COLORS.corridor, 3, 'dashed'), 'Aid corridor', 'corridor'],
    ...extra,
  ];
  return h(
    'div',
    { class: 'map-panel map-legend', 'aria-label': 'Legend', 'data-testid': 'map-legend' },
    section('Territory', territoryLegendItems()),
    section('Protection', ops),
    sections.flatMap(([title, items]) => section(title, items)),
    section('Boundaries', [
      [line(COLORS.nationalLine, 3), 'National border (Syria)', 'adm0'],
      [line(COLORS.governorateLine, 2), 'Governorate', 'adm1'],
      [line(COLORS.subdistrictLine, 1), 'Sub-district', 'adm3'],
      [line(COLORS.countryLine, 1), 'International border', 'countries'],
      [dot(COLORS.place), 'Administrative centre', 'places'],
    ]),
  );
}

export { fill as fillSwatch, line as lineSwatch, dot as dotSwatch };

/** A legend that folds away (a <details>): open on a wide screen, folded on a phone, where it would cover the map. */
export function foldingLegend(legend: HTMLElement, className = 'legend-box'): HTMLElement {
  return h('details', { class: className, 'data-testid': 'legend-box', open: window.matchMedia('(min-width: 700px)').matches }, h('summary', {}, 'Legend'), legend);
}
