// What other capabilities may read of territory: through here, never territory/store.ts.
export { countTerritoriesFromSource, territoriesAt, territoryAreas, type TerritoryArea, type TerritoryRecord } from './store.ts';
export { territoryWindows, type TerritoryWindow } from './store.ts';
// The shipped OCHA sub-districts (read once), for places' gazetteer and point-in-unit lookup.
export { adminUnits, unitsOf, type AdminUnit } from './adm3.ts';
// One version by id, with its geometry and when it ends (OGC API's territories/items/{featureId}).
export { getTerritory } from './store.ts';
