// Roles and who may call what. Every API route names its access; app.ts refuses a route without one.
export const ROLES = ['admin', 'cochair', 'secretariat', 'monitor', 'liaison', 'agency', 'analyst', 'public'] as const;
export type Role = (typeof ROLES)[number];

/** 'anonymous': no credentials needed; otherwise the roles allowed. */
export type Access = 'anonymous' | readonly Role[];

export const ANY_ROLE: readonly Role[] = ROLES;
/** Those who keep the register of terms and parties. */
export const REGISTRARS: readonly Role[] = ['admin', 'cochair', 'secretariat'];
/** Those who keep the register but do not speak for a side: changes to parties and designations. */
export const SECRETARIAT: readonly Role[] = ['admin', 'secretariat'];
export const ADMIN: readonly Role[] = ['admin'];

/** Roles bound to a party: a co-chair party or the liaison's own party. */
export const PARTY_BOUND: readonly Role[] = ['cochair', 'liaison'];

export interface Principal {
  accountId: string;
  name: string;
  role: Role;
  partyId: string | null;
  via: 'token' | 'session';
  sessionId?: string;
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}
