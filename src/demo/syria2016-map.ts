// The demo's map: who held what around the start of the cessation (27 February 2016), built
// from OCHA sub-districts, with a few protected sites and the Madaya convoy route. An
// illustration at the resolution of administrative units, not an authoritative map: real
// front lines cut through sub-districts.
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { advisoryXactLock } from '../db/statements.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { createCorridor, notifySite } from '../sites/service.ts';
import { countTerritoriesFromSource } from '../territory/lookup.ts';
import { recordFromPcodes } from '../territory/service.ts';
import { geoSettings } from '../territory/settings.ts';
import { DEMO_PARTIES } from './syria2016.ts';

const SOURCE = 'Demo: approximate control in February 2016 by OCHA sub-district (illustrative)';
const FROM = '2016-02-27T00:00:00+02:00';

/** P-codes of governorates (SYnn), districts (SYnnnn) or sub-districts (SYnnnnnn) per party. */
const AREAS: Record<string, string[]> = {
  // the government and its allies: the west, the capital and the besieged Deir-ez-Zor city enclave
  saaf: ['SY01', 'SY06', 'SY10', 'SY13', 'SY05', 'SY04', 'SY0303', 'SY0304', 'SY0305', 'SY0306', 'SY0308', 'SY030101', 'SY030103', 'SY030104', 'SY030107', 'SY090100'],
  // Eastern Ghouta
  jai: ['SY030200', 'SY030201', 'SY030105', 'SY030106'],
  // the Southern Front in Dar'a; FSA factions in southern Idleb, where Jabhat al-Nusra also holds ground
  fsa: ['SY12', 'SY070200'],
  // Idleb: Jabhat al-Nusra (designated) and Ahrar al-Sham (not committed) intermingled
  nusra: ['SY07'],
  ahrar: ['SY07'],
  sdf: ['SY08', 'SY0206', 'SY0203'],
  isil: ['SY11', 'SY0902', 'SY0903', 'SY090101', 'SY090102', 'SY090103', 'SY090105', 'SY090106'],
};

const SITES = [
  { kind: 'hospital', name: 'Douma field hospital (demo)', geometry: { type: 'Point', coordinates: [36.4046, 33.5706] } },
  { kind: 'hospital', name: 'Madaya field clinic (demo)', geometry: { type: 'Point', coordinates: [36.0963, 33.6901] } },
  { kind: 'water', name: 'Ein al-Fijeh spring (demo)', geometry: { type: 'Point', coordinates: [36.1725, 33.6419] }, bufferM: 1000 },
  { kind: 'hospital', name: 'Idleb national hospital (demo)', geometry: { type: 'Point', coordinates: [36.6353, 35.929] } },
  { kind: 'school', name: 'Kafr Batna school (demo)', geometry: { type: 'Point', coordinates: [36.3721, 33.5126] } },
  { kind: 'un', name: 'UN hub, Damascus (demo)', geometry: { type: 'Point', coordinates: [36.2767, 33.5172] } },
] as const;

const id = (key: string) => DEMO_PARTIES.find((p) => p.key === key)!.id;

/** Loads the demo map once (a second run finds it and writes nothing). */
export async function seedDemoMap(db: Db, config: Config): Promise<{ created: boolean }> {
  const settings = geoSettings(config);
  return write(
    db,
    SYSTEM,
    async (w) => {
      await advisoryXactLock(w.q, 7240219);
      if ((await countTerritoriesFromSource(w.q, SOURCE)) > 0) return { created: false };
      for (const [key, pcodes] of Object.entries(AREAS)) {
        await recordFromPcodes(w, { partyId: id(key), pcodes, validFrom: FROM, source: SOURCE }, settings);
      }
      for (const s of SITES) await notifySite(w, { ...s, validFrom: '2016-01-01T00:00:00Z' } as never, settings);
      await createCorridor(
        w,
        {
          name: 'Damascus – Madaya convoy (demo)',
          geometry: { type: 'LineString', coordinates: [[36.2767, 33.5172], [36.2, 33.58], [36.15, 33.64], [36.0963, 33.6901]] },
          widthM: 1000,
          validFrom: '2016-02-17T06:00:00+02:00',
          validTo: '2016-02-17T22:00:00+02:00',
        },
        settings,
      );
      return { created: true };
    },
    { allowEmpty: true },
  );
}
