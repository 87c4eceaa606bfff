import { api, ApiError, errorMessage } from '../api.ts';
import type { Route } from '../router.ts';
import { signIn } from '../session.ts';
import type { Health } from '../types.ts';
import { h, replace } from '../ui/dom.ts';
import type { Page } from './page.ts';

/** Where to go after signing in: the page the user asked for, never back to sign-in. */
function nextTarget(route: Route): string {
  const next = route.params.get('next');
  return next && next.startsWith('/') && !next.startsWith('/signin') ? next : '/map';
}

export function signInPage(outlet: HTMLElement, route: Route): Page {
  const username = h('input', { id: 'username', name: 'username', type: 'text', autocomplete: 'username', required: true, spellcheck: 'false', autocapitalize: 'none' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'signin-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');
  const status = h('div', { class: 'server-status', 'data-testid': 'server-status' }, 'Checking server…');

  if (route.params.get('reason') === 'expired') showError('Your session has ended. Sign in again.');

  function showError(message: string): void {
    error.textContent = message;
    error.hidden = false;
  }

  async function onSubmit(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      await signIn(username.value.trim(), password.value);
      location.hash = `#${nextTarget(route)}`;
    } catch (e) {
      // The server's problem `detail` says why (wrong password, locked out, ...).
      showError(errorMessage(e));
      password.value = '';
      password.focus();
      if (e instanceof ApiError && e.status === 423) username.select();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  }

  const form = h(
    'form',
    { class: 'signin-form', method: 'post', onsubmit: (ev: SubmitEvent) => void onSubmit(ev) },
    h('div', { class: 'field' }, h('label', { for: 'username' }, 'User name'), username),
    h('div', { class: 'field' }, h('label', { for: 'password' }, 'Password'), password),
    error,
    submit,
  );

  replace(
    outlet,
    h(
      'div',
      { class: 'signin-page' },
      h(
        'section',
        { class: 'signin-card', 'aria-labelledby': 'signin-title' },
        h('div', { class: 'signin-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-name' }, 'truce')),
        h('h1', { id: 'signin-title' }, 'Ceasefire Task Force'),
        h('p', { class: 'muted' }, 'Sign in with the account the secretariat issued to you.'),
        form,
        status,
      ),
    ),
  );
  username.focus();

  // A reachability hint, so "cannot sign in" is not confused with "server down".
  const ctrl = new AbortController();
  api<Health>('GET', '/healthz', undefined, { signal: ctrl.signal }).then(
    (health) => replace(status, h('span', { class: 'dot dot-ok' }), `Server online · ${health.db}`),
    (e: unknown) => {
      if ((e as Error).name !== 'AbortError') replace(status, h('span', { class: 'dot dot-bad' }), `Server unreachable: ${errorMessage(e)}`);
    },
  );

  return { destroy: () => ctrl.abort() };
}
