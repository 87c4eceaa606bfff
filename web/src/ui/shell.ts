import type { Account } from '../types.ts';
import { onLiveState, type LiveState } from '../live/stream.ts';
import { h, replace } from './dom.ts';
import { humanize } from './format.ts';

/** `roles`: shown only to these (the server refuses the others anyway). */
const NAV: { path: string; label: string; roles?: string[] }[] = [
  { path: '/map', label: 'Map' },
  { path: '/incidents', label: 'Incidents' },
  { path: '/vetting', label: 'Vetting', roles: ['admin', 'cochair', 'secretariat', 'liaison'] },
  { path: '/aid', label: 'Aid' },
  { path: '/territory', label: 'Territory' },
  { path: '/parties', label: 'Parties' },
  { path: '/record', label: 'Record' },
];

export interface Shell {
  root: HTMLElement;
  outlet: HTMLElement;
  setActive(path: string): void;
  destroy(): void;
}

/** The signed-in frame: top bar with navigation, account and sign-out, and the page outlet. */
export function createShell(account: Account, onSignOut: () => void): Shell {
  const links = NAV.filter((item) => !item.roles || item.roles.includes(account.role)).map((item) => h('a', { href: `#${item.path}`, class: 'nav-link', 'data-nav': item.path }, item.label));
  const clock = h('span', { class: 'utc-clock', title: 'Coordinated Universal Time' });
  const tick = (): void => {
    replace(clock, new Date().toISOString().slice(11, 16), h('span', { class: 'utc-z' }, 'Z'));
  };
  tick();
  const timer = window.setInterval(tick, 15_000);

  // Whether the live stream is connected (shown while a page listens to it).
  const live = h('span', { class: 'live-badge', 'data-testid': 'live-badge', 'data-live': 'closed', hidden: true }, 'Live');
  const LIVE_TITLES: Record<LiveState, string> = { open: 'Live: updates arrive as they are recorded', connecting: 'Reconnecting: updates missed meanwhile follow on reconnection', closed: '' };
  const stopLive = onLiveState((s) => {
    live.dataset.live = s;
    live.hidden = s === 'closed';
    live.title = LIVE_TITLES[s];
    live.textContent = s === 'open' ? 'Live' : 'Reconnecting…';
  });

  const signOut = h('button', { type: 'button', class: 'btn btn-ghost', 'data-action': 'sign-out', onclick: () => onSignOut() }, 'Sign out');
  const header = h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-name' }, 'truce'), h('span', { class: 'brand-sub' }, 'Ceasefire Task Force')),
    h('nav', { class: 'nav', 'aria-label': 'Main' }, links),
    h(
      'div',
      { class: 'account' },
      live,
      clock,
      h('span', { class: 'account-name', 'data-testid': 'account-name' }, account.name),
      h('span', { class: 'role-badge', 'data-testid': 'account-role', 'data-role': account.role, title: 'Role' }, humanize(account.role)),
      signOut,
    ),
  );
  const outlet = h('main', { class: 'outlet', id: 'outlet' });
  const root = h('div', { class: 'shell' }, header, outlet);

  return {
    root,
    outlet,
    setActive(path) {
      // An incident's page belongs to the inbox; the vetting history and batches to the console.
      const section = path === '/incident' ? '/incidents' : path.startsWith('/vetting/') ? '/vetting' : path;
      for (const a of links) {
        const on = a.dataset.nav === section;
        a.classList.toggle('active', on);
        if (on) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
    destroy() {
      window.clearInterval(timer);
      stopLive();
      root.remove();
    },
  };
}
