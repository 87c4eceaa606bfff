// The settings territory, sites and corridors read, picked from Config in one place.
import type { Config } from '../config.ts';

export interface GeoSettings {
  /** Most vertices one submitted geometry may have (TRUCE_MAX_VERTICES). */
  maxVertices: number;
  /** GeoJSON of the administrative units a territory can be built from by P-code (TRUCE_ADMIN_UNITS). */
  adminUnitsFile: string;
}

export function geoSettings(config: Config): GeoSettings {
  return { maxVertices: config.maxVertices, adminUnitsFile: config.adminUnitsFile };
}
