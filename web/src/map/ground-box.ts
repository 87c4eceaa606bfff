// The vetting map's "who holds the ground" box: under the mouse pointer as it moves; where a
// finger taps or presses and holds (touch has no hover); at the target when the pointer is
// off the map (a typed target, a phone). From the territory drawn for the console's time.
import type { Position } from 'geojson';
import type { MapLibreMap, PointLike } from 'maplibre-gl';
import { h, replace } from '../ui/dom.ts';
import { formatUtc } from '../ui/format.ts';
import { groundAt, type GroundReadout, type HeldBy } from './ground.ts';
import { TERRITORY_COLORS, TERRITORY_FILL_OPACITY } from './style.ts';

export interface GroundBoxDeps {
  /** The party's status at the console's time, from the parties the page loaded for it. */
  statusOf(partyId: string): string | undefined;
  /** The console's time (the chosen one, or now). */
  at(): Date;
  /** The point target's position, if the target is a point. */
  targetPoint(): Position | null;
}

const fmt = ([lon, lat]: Position): string => `${lat.toFixed(5)}, ${lon.toFixed(5)}`;

export function groundBox(): { el: HTMLElement; attach(map: MapLibreMap, deps: GroundBoxDeps): void } {
  const title = h('div', { class: 'panel-title' }, 'Ground');
  const body = h('div', { class: 'vet-ground-body', 'data-testid': 'vet-ground-text' });
  const el = h('div', { class: 'map-panel vet-ground', 'data-testid': 'vet-ground', 'data-kind': 'none', 'data-where': 'none' }, title, body);
  const idle = (): void => {
    title.textContent = 'Ground';
    el.dataset.kind = 'none';
    el.dataset.where = 'none';
    replace(body, h('span', { class: 'muted' }, matchMedia('(pointer: coarse)').matches ? 'Tap the map, or press and hold, to see who holds the ground.' : 'Point at the map to see who holds the ground.'));
  };
  idle();

  function attach(map: MapLibreMap, deps: GroundBoxDeps): void {
    let pointerOnMap = false;
    let shown = '';
    // A tap also sends the mouse events of old pages (mousemove, then click) and never a mouseout:
    // those must not pin the box to "the pointer" on a phone.
    let touching = false;
    const pointerKind = (ev: PointerEvent): void => {
      touching = ev.pointerType !== 'mouse';
    };
    map.getCanvasContainer().addEventListener('pointerdown', pointerKind);
    map.getCanvasContainer().addEventListener('pointermove', pointerKind);

    const read = (point: PointLike): GroundReadout | null => {
      if (!map.getLayer('territory-fill')) return null;
      const features = map.queryRenderedFeatures(point, { layers: ['territory-fill'] });
      return groundAt(features.map((f) => f.properties as HeldBy), deps.statusOf);
    };

    function show(where: 'pointer' | 'tap' | 'target', lngLat: Position, g: GroundReadout): void {
      const asAt = formatUtc(deps.at().toISOString());
      const key = `${where}|${g.text}|${asAt}`;
      el.dataset.kind = g.kind;
      el.dataset.where = where;
      if (key === shown) {
        el.querySelector('[data-ground="position"]')!.textContent = fmt(lngLat);
        return;
      }
      shown = key;
      title.textContent = where === 'target' ? 'Ground at the target' : 'Ground here';
      replace(
        body,
        g.kind === 'contested' ? h('div', { class: 'vet-ground-contested', 'data-ground': 'contested' }, `Contested: ${g.holders.length} holders`) : null,
        g.holders.length
          ? h(
              'ul',
              { class: 'vet-ground-holders' },
              g.holders.map((x) =>
                h(
                  'li',
                  { 'data-party-id': x.partyId, 'data-status': x.status },
                  h('span', { class: 'swatch-fill', style: `background: ${TERRITORY_COLORS[x.status as keyof typeof TERRITORY_COLORS] ?? TERRITORY_COLORS.not_committed}; opacity: ${Math.min(1, TERRITORY_FILL_OPACITY + 0.3)}` }),
                  h('span', { class: 'vet-ground-name' }, x.name),
                  h('span', { class: `vet-ground-status status-${x.status}` }, x.statusText),
                ),
              ),
            )
          : h('div', { class: 'muted', 'data-ground': 'none' }, g.text),
        h('div', { class: 'muted small' }, h('span', { 'data-ground': 'position' }, fmt(lngLat)), ' · as at ', h('time', { datetime: deps.at().toISOString() }, asAt)),
      );
    }

    const atTarget = (): void => {
      const t = deps.targetPoint();
      const p = t ? map.project(t as [number, number]) : null;
      const canvas = map.getCanvas();
      const inView = p && p.x >= 0 && p.y >= 0 && p.x <= canvas.clientWidth && p.y <= canvas.clientHeight;
      const g = t && inView ? read(p) : null;
      if (t && g) show('target', t, g);
      else if (!pointerOnMap) {
        shown = '';
        idle();
      }
    };

    map.on('mousemove', (ev) => {
      if (touching) return;
      pointerOnMap = true;
      const g = read(ev.point);
      if (g) show('pointer', [ev.lngLat.lng, ev.lngLat.lat], g);
    });
    map.on('mouseout', () => {
      pointerOnMap = false;
      atTarget();
    });
    // A tap (touch's click) and a press-and-hold (its context menu) read where the finger was.
    const tapped = (ev: { point: PointLike; lngLat: { lng: number; lat: number } }): void => {
      const g = read(ev.point);
      if (g) show('tap', [ev.lngLat.lng, ev.lngLat.lat], g);
    };
    map.on('click', tapped);
    map.on('contextmenu', (ev) => {
      ev.originalEvent.preventDefault(); // no browser menu over the map on a long press
      tapped(ev);
    });
    // Once drawn (a target placed or typed and flown to, the layers of another time): the target's ground.
    map.on('idle', () => {
      if (!pointerOnMap) atTarget();
    });
  }

  return { el, attach };
}
