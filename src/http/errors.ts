// The one catalogue of error codes: every problem document carries one of these.
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON' },
  BAD_CURSOR: { status: 400, title: 'The cursor is not valid' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  BAD_CREDENTIALS: { status: 401, title: 'Wrong user name or password' },
  FORBIDDEN: { status: 403, title: 'Your role may not do this' },
  CSRF_FAILED: { status: 403, title: 'Missing or wrong CSRF token' },
  NOT_FOUND: { status: 404, title: 'No such resource' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  DUPLICATE: { status: 409, title: 'It already exists' },
  CONFUSABLE_NAME: { status: 409, title: 'The name looks like an existing one' },
  PARTY_DESIGNATED: { status: 409, title: 'A designated party cannot commit' },
  INVALID_TRANSITION: { status: 409, title: 'This commitment event does not follow from the party’s status' },
  ALREADY_REVOKED: { status: 409, title: 'Already revoked' },
  NOT_FLAGGED: { status: 409, title: 'The account is not flagged' },
  SITE_ENDED: { status: 409, title: 'The site is already withdrawn or rejected' },
  IDEMPOTENCY_MISMATCH: { status: 409, title: 'The Idempotency-Key was used with another request' },
  BODY_TOO_LARGE: { status: 413, title: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  UNKNOWN_REFERENCE: { status: 422, title: 'A referenced entity does not exist' },
  NOT_A_COCHAIR: { status: 422, title: 'The party is not a co-chair of these terms' },
  NO_TERMS: { status: 422, title: 'There are no terms to commit to' },
  INCONSISTENT: { status: 422, title: 'The values do not fit together' },
  INVALID_GEOMETRY: { status: 422, title: 'The geometry is not valid' },
  TARGET_TOO_LARGE: { status: 422, title: 'The target is larger than your role may ask about' },
  EXCEEDS_BOUND: { status: 422, title: 'The value is larger than this deployment allows' },
  RATE_LIMITED: { status: 429, title: 'Too many requests; try again later' },
  TOO_MANY_STREAMS: { status: 429, title: 'Too many event streams open; close one or try again later' },
  ACCOUNT_LOCKED: { status: 423, title: 'The account is locked after repeated failed sign-ins' },
  INTERNAL: { status: 500, title: 'Internal error' },
  INDEX_RELOADING: { status: 503, title: 'The vetting index is being read again; try again in a few seconds' },
  // the investigation desk (src/incidents)
  INCIDENT_TRANSITION: { status: 409, title: 'The incident’s status does not allow this step' },
  INCIDENT_MERGED: { status: 409, title: 'The incident was merged into another' },
  ALREADY_PUBLISHED: { status: 409, title: 'The incident is published already' },
  ALREADY_CONCURRED: { status: 409, title: 'Your party has concurred already' },
  DETERMINATION_SUPERSEDED: { status: 409, title: 'A later proposal superseded this determination' },
  // humanitarian access (src/aid)
  CONVOY_TRANSITION: { status: 409, title: 'The convoy’s state does not allow this step' },
  CARGO_EXCEEDED: { status: 422, title: 'More cargo than the convoy loaded' },
  // exports (src/exports)
  TOO_MANY_EXPORTS: { status: 429, title: 'Too many exports running; wait for one to finish' },
  // webhooks (src/webhooks)
  URL_REFUSED: { status: 422, title: 'truce does not send to this URL' },
  TOO_MANY_WEBHOOKS: { status: 409, title: 'The account has as many webhooks as it may' },
  WEBHOOK_STATE: { status: 409, title: 'The webhook’s state does not allow this step' },
  // imports (issue 11)
  MALFORMED_CSV: { status: 400, title: 'The CSV file cannot be read' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldError {
  field: string;
  reason: string;
}

/** Thrown anywhere in a request; the error handler turns it into a problem document. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly field?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  field?: string;
  reason?: string;
  errors?: FieldError[];
  instance?: string;
  requestId?: string;
  [k: string]: unknown;
}

export function problem(code: ErrorCode, detail: string, errors: FieldError[] = [], extra: Record<string, unknown> = {}): Problem {
  const { status, title } = ERRORS[code];
  const p: Problem = { type: `urn:truce:problem:${code.toLowerCase().replaceAll('_', '-')}`, title, status, code, detail, ...extra };
  if (errors.length) {
    p.field = errors[0].field;
    p.reason = errors[0].reason;
    p.errors = errors;
  }
  return p;
}

export const notFound = (what: string, id: string, field = 'id') => new ApiError('NOT_FOUND', `No ${what} with id ${id}.`, field);
