// The administrative units (OCHA sub-districts, "adm3") a party's area can be built from by
// P-code. Read from the shipped GeoJSON once, on first use; the file never changes at run time.
import fs from 'node:fs/promises';

export interface AdminUnit {
  pcode: string;
  name: string;
  nameAr: string | null;
  adm2Pcode: string | null;
  adm1Pcode: string | null;
  areaSqkm: number | null;
  /** GeoJSON text of the unit's (Multi)Polygon, as PostGIS reads it. */
  geometry: string;
}

const loaded = new Map<string, Promise<AdminUnit[]>>();

async function read(file: string): Promise<AdminUnit[]> {
  const fc = JSON.parse(await fs.readFile(file, 'utf8'));
  return (fc.features as any[]).map((f) => ({
    pcode: String(f.properties.pcode),
    name: String(f.properties.name),
    nameAr: f.properties.name_ar ?? null,
    adm2Pcode: f.properties.adm2_pcode ?? null,
    adm1Pcode: f.properties.adm1_pcode ?? null,
    areaSqkm: typeof f.properties.area_sqkm === 'number' ? f.properties.area_sqkm : null,
    geometry: JSON.stringify(f.geometry),
  }));
}

export function adminUnits(file: string): Promise<AdminUnit[]> {
  let p = loaded.get(file);
  if (!p) {
    p = read(file);
    p.catch(() => loaded.delete(file)); // a missing file is retried, not cached as a failure
    loaded.set(file, p);
  }
  return p;
}

/**
 * The sub-districts a P-code names: the unit itself, or every unit of the district (adm2) or
 * governorate (adm1) it names. Empty when the code is unknown.
 */
export function unitsOf(units: AdminUnit[], pcode: string): AdminUnit[] {
  const code = pcode.toUpperCase();
  return units.filter((u) => u.pcode === code || u.adm2Pcode === code || u.adm1Pcode === code);
}

/** Transliterations vary in case, accents, apostrophes (A'rima, Arima) and hyphens: compare without them. */
const fold = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f'’‘`ʿʾ\-\s]/g, '');

/** Units whose P-code or name (English or Arabic) contains the needle, loosely. */
export function searchUnits(units: AdminUnit[], needle: string | undefined): AdminUnit[] {
  if (!needle) return units;
  const n = fold(needle);
  return units.filter((u) => [u.pcode, u.name, u.nameAr ?? ''].some((s) => fold(s).includes(n)));
}
