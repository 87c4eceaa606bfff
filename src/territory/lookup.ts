// What other capabilities may read of territory: through here, never territory/store.ts.
export { territoriesAt, type TerritoryRecord } from './store.ts';
export { allTerritories } from './store.ts';
export { adminUnits, type AdminUnit } from './adm3.ts';
