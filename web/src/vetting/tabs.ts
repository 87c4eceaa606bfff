// The vetting console's views: the console (one target on the map), the history of decisions and
// batches. A row of links, so each view has its own hash route and can be linked to.
import './views.css';
import { h } from '../ui/dom.ts';

const VIEWS: { path: string; label: string; testid: string; siteReaders?: boolean }[] = [
  { path: '/vetting', label: 'Console', testid: 'vet-tab-console' },
  { path: '/vetting/history', label: 'History', testid: 'vet-tab-history', siteReaders: true },
  { path: '/vetting/batch', label: 'Batch', testid: 'vet-tab-batch' },
];
/** The roles that read the history (the server's own list: the others get 403). */
export const HISTORY_READERS = ['admin', 'cochair', 'secretariat'];

export function vettingTabs(active: string, role: string): HTMLElement {
  return h(
    'nav',
    { class: 'vet-tabs', 'aria-label': 'Vetting views', 'data-testid': 'vet-tabs' },
    VIEWS.filter((v) => !v.siteReaders || HISTORY_READERS.includes(role)).map((v) =>
      h('a', { href: `#${v.path}`, class: `vet-tab${v.path === active ? ' active' : ''}`, 'data-testid': v.testid, ...(v.path === active ? { 'aria-current': 'page' } : {}) }, v.label),
    ),
  );
}
