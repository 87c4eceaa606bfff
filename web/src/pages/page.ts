import type { Route } from '../router.ts';

/** A mounted view. The router calls `update` when only the query part of its route changes. */
export interface Page {
  update?(route: Route): void;
  destroy?(): void;
}

export type PageFactory = (outlet: HTMLElement, route: Route) => Page | Promise<Page>;
