import './styles.css';
import { errorMessage, UNAUTHORIZED_EVENT } from './api.ts';
import { closeStream } from './live/stream.ts';
import type { Page, PageFactory } from './pages/page.ts';
import { partiesPage } from './pages/parties.ts';
import { recordPage } from './pages/record.ts';
import { signInPage } from './pages/signin.ts';
import { currentRoute, navigate } from './router.ts';
import { forgetSession, getSession, restoreSession, signOut } from './session.ts';
import { h, replace } from './ui/dom.ts';
import { createShell, type Shell } from './ui/shell.ts';

// The map page pulls in MapLibre (about 1 MB), so it is loaded only when first shown.
const routes: Record<string, () => Promise<PageFactory>> = {
  '/map': async () => (await import('./pages/map.ts')).mapPage,
  '/incidents': async () => (await import('./pages/incidents.ts')).incidentsPage,
  '/incident': async () => (await import('./pages/incident.ts')).incidentPage,
  '/vetting': async () => (await import('./pages/vetting.ts')).vettingPage,
  '/vetting/history': async () => (await import('./pages/vetting-history.ts')).vettingHistoryPage,
  '/vetting/batch': async () => (await import('./pages/vetting-batch.ts')).vettingBatchPage,
  '/aid': async () => (await import('./pages/aid.ts')).aidPage,
  '/territory': async () => (await import('./pages/territory.ts')).territoryPage,
  '/parties': async () => partiesPage,
  '/record': async () => recordPage,
};

const app = document.getElementById('app')!;
let shell: Shell | null = null;
let active: { path: string; page: Page } | null = null;
let renderSeq = 0;

function teardownPage(): void {
  active?.page.destroy?.();
  active = null;
}

function teardownShell(): void {
  // The stream belongs to the session: the next one opens its own.
  closeStream();
  shell?.destroy();
  shell = null;
}

async function doSignOut(): Promise<void> {
  try {
    await signOut();
  } catch (e) {
    console.warn('sign-out:', errorMessage(e));
  }
  teardownPage();
  teardownShell();
  navigate('/signin');
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  const route = currentRoute();
  const session = getSession();

  if (!session) {
    if (route.path !== '/signin') {
      const next = location.hash.slice(1);
      navigate('/signin', { next: next && next !== '/' ? next : null }, { replace: true });
      return;
    }
    teardownPage();
    teardownShell();
    const outlet = h('div', { class: 'bare' });
    replace(app, outlet);
    active = { path: route.path, page: signInPage(outlet, route) };
    return;
  }

  if (route.path === '/signin' || route.path === '/') {
    navigate('/map', {}, { replace: true });
    return;
  }

  if (!shell) {
    teardownPage();
    shell = createShell(session.account, () => void doSignOut());
    replace(app, shell.root);
  }
  shell.setActive(route.path);

  // Same page, new query (e.g. another party selected): let the page update in place.
  if (active && active.path === route.path && active.page.update) {
    active.page.update(route);
    return;
  }
  teardownPage();

  const outlet = shell.outlet;
  const load = routes[route.path];
  if (!load) {
    replace(outlet, h('div', { class: 'notice' }, h('h1', {}, 'Not found'), h('p', {}, 'There is no such page. ', h('a', { href: '#/map' }, 'Go to the map'), '.')));
    return;
  }
  replace(outlet, h('div', { class: 'notice muted' }, 'Loading…'));
  try {
    const page = await (await load())(outlet, route);
    if (seq !== renderSeq) {
      page.destroy?.(); // the user moved on while this page was loading
      return;
    }
    active = { path: route.path, page };
  } catch (e) {
    if (seq !== renderSeq) return;
    replace(outlet, h('div', { class: 'notice' }, h('h1', {}, 'This page failed to load'), h('p', { class: 'inline-error', role: 'alert' }, errorMessage(e))));
  }
}

window.addEventListener('hashchange', () => void render());
// Any 401 after sign-in means the server ended the session: back to the sign-in form.
window.addEventListener(UNAUTHORIZED_EVENT, () => {
  if (!getSession()) return;
  forgetSession();
  teardownPage();
  teardownShell();
  navigate('/signin', { reason: 'expired' });
});

async function boot(): Promise<void> {
  try {
    await restoreSession();
  } catch (e) {
    // Server unreachable: show the sign-in form, which reports the server status.
    console.warn('session check:', errorMessage(e));
  }
  await render();
}

void boot();
