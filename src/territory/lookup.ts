// What other capabilities may read of territory: through here, never territory/store.ts.
export { countTerritoriesFromSource, territoriesAt, territoryAreas, type TerritoryArea, type TerritoryRecord } from './store.ts';
