// The one place that talks HTTP to the truce server: same origin, session cookie,
// CSRF header on writes, and RFC 9457 problem documents turned into ApiError.

export interface Problem {
  type?: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  field?: string;
  errors?: { field: string; reason: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
}

/** Fired on window when a request other than the session check comes back 401. */
export const UNAUTHORIZED_EVENT = 'truce:unauthorized';

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export type Query = Record<string, string | number | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function api<T>(method: string, path: string, body?: unknown, opts: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...opts.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // The server refuses cookie-authenticated writes without the token it issued at sign-in.
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError({ title: 'Network error', status: 0, code: 'NETWORK', detail: 'The truce server cannot be reached.' });
  }

  if (res.ok) {
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  const problem = await readProblem(res);
  if (res.status === 401 && !path.startsWith('/api/v1/session')) {
    window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: problem }));
  }
  throw new ApiError(problem);
}

async function readProblem(res: Response): Promise<Problem> {
  const fallback: Problem = { title: res.statusText || 'Request failed', status: res.status, code: `HTTP_${res.status}` };
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return fallback;
  try {
    const body = (await res.json()) as Partial<Problem>;
    return { ...fallback, ...body, status: res.status };
  } catch {
    return fallback;
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.problem.detail || e.problem.title;
  if (e instanceof Error) return e.message;
  return String(e);
}
