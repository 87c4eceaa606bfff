import { api, ApiError, setCsrfToken } from './api.ts';
import type { Session } from './types.ts';

// The signed-in account, or null. The cookie itself is HttpOnly; this is only what
// the server told us about it.
let current: Session | null = null;

export function getSession(): Session | null {
  return current;
}

function set(session: Session | null): void {
  current = session;
  setCsrfToken(session?.csrfToken ?? null);
}

/** Asks the server whether the cookie (if any) is still a valid session. */
export async function restoreSession(): Promise<Session | null> {
  try {
    set(await api<Session>('GET', '/api/v1/session'));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    set(null);
  }
  return current;
}

export async function signIn(username: string, password: string): Promise<Session> {
  const session = await api<Session>('POST', '/api/v1/session', { username, password });
  set(session);
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await api<void>('DELETE', '/api/v1/session');
  } finally {
    // Forget the session even if the server already had: the user asked to leave.
    set(null);
  }
}

/** The server ended the session (expiry, revocation): drop it locally. */
export function forgetSession(): void {
  set(null);
}
