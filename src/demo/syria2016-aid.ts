// The demo's humanitarian access: the besieged areas as the UN listed them in January 2016 (the
// figures are OCHA's, at the resolution of OCHA sub-districts: a city's siege is drawn as its
// whole sub-district), and two invented convoys, marked illustrative. Loaded after the demo map.
import { hasAreaFromSource } from '../aid/lookup.ts';
import { createArea, decide, deliver, dispatch, requestConvoy } from '../aid/service.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { advisoryXactLock } from '../db/statements.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { DEMO_PARTIES } from './syria2016.ts';

export const DEMO_AID_SOURCE = 'UN OCHA, January 2016';
const AS_OF = '2016-01-31T00:00:00Z';
const id = (key: string) => DEMO_PARTIES.find((p) => p.key === key)!.id;

/** The UN figures of January 2016: name, OCHA sub-districts, people besieged, besiegers. */
export const DEMO_AREAS = [
  { key: 'deir', name: 'Deir ez-Zor city', pcodes: ['SY090100'], count: 200_000, by: ['isil'] },
  // Douma, Harasta, Arbin, Zamalka, Ein Tarma, Hammoura, Jisrein, Kafr Batna, Saqba, Zebdin: their sub-districts
  { key: 'ghouta', name: 'Eastern Ghouta', pcodes: ['SY030200', 'SY030201', 'SY030106', 'SY030105'], count: 176_500, by: ['saaf'] },
  { key: 'darayya', name: 'Darayya', pcodes: ['SY030900'], count: 4_000, by: ['saaf'] },
  // the UN figure is Zabadani's; Madaya, beside it, is drawn with it
  { key: 'zabadani', name: 'Zabadani (with Madaya beside it)', pcodes: ['SY030700', 'SY030703'], count: 500, by: ['saaf', 'hzb'] },
  { key: 'foah', name: 'Foah and Kefraya', pcodes: ['SY070002'], count: 12_500, by: ['nusra', 'ahrar'] },
] as const;

const CO_CHAIR = { role: 'cochair' as const, partyId: id('usa') };

/** Loads the areas and illustrative convoys once (a second run finds them and writes nothing). */
export async function seedDemoAid(db: Db, config: Config): Promise<{ created: boolean }> {
  return write(
    db,
    SYSTEM,
    async (w) => {
      await advisoryXactLock(w.q, 7240220);
      if (await hasAreaFromSource(w.q, DEMO_AID_SOURCE)) return { created: false };
      const areas: Record<string, string> = {};
      for (const a of DEMO_AREAS) {
        areas[a.key] = (await createArea(
          w,
          { name: a.name, pcodes: [...a.pcodes], population: { count: a.count, asOf: AS_OF, source: DEMO_AID_SOURCE }, besiegingPartyIds: a.by.map(id), status: 'besieged', since: '2016-01-01T00:00:00Z' },
          config,
        )).id;
      }
      // Illustrative: a convoy to Madaya delivered on the demo map's corridor day ...
      const madaya = await requestConvoy(
        w,
        {
          agency: 'UN OCHA inter-agency convoy (illustrative)',
          originName: 'Damascus',
          destinationAreaId: areas.zabadani,
          route: { type: 'LineString', coordinates: [[36.2767, 33.5172], [36.2, 33.58], [36.15, 33.64], [36.0963, 33.6901]] },
          window: { from: '2016-02-17T04:00:00Z', to: '2016-02-17T20:00:00Z' },
          cargo: [{ category: 'food', item: 'food parcels', quantity: 8_000, unit: 'parcels' }, { category: 'medical', item: 'medical kits', quantity: 120, unit: 'kits' }],
          peopleToReach: 500,
        },
        { agency: 'UN OCHA inter-agency convoy (illustrative)' },
        config,
        { illustrative: true, at: new Date('2016-02-10T08:00:00Z') },
      );
      let c = madaya;
      for (const [k, p] of c.events.filter((e) => e.type === 'approval_added').map((e, i) => [i, e.partyId!] as const)) {
        c = (await decide(w, c, p, { status: 'granted', ...(k === 0 ? { conditions: 'Inspection at the checkpoint (illustrative)' } : {}) }, CO_CHAIR, new Date('2016-02-15T10:00:00Z'))).convoy;
      }
      c = await dispatch(w, c, { at: '2016-02-17T05:00:00Z' });
      await deliver(w, c, { at: '2016-02-17T15:00:00Z' }, { db, config, reporter: { accountId: '', role: 'system', partyId: null, organisation: null } });
      // ... and one to Eastern Ghouta still waiting for an answer
      const ghouta = await requestConvoy(
        w,
        {
          agency: 'UNICEF (illustrative)',
          originName: 'Damascus',
          destinationAreaId: areas.ghouta,
          route: { type: 'LineString', coordinates: [[36.2767, 33.5172], [36.33, 33.515], [36.3721, 33.5126]] },
          window: { from: '2016-03-05T05:00:00Z', to: '2016-03-05T18:00:00Z' },
          cargo: [{ category: 'water_sanitation', item: 'hygiene kits', quantity: 2_000, unit: 'kits' }, { category: 'medical', quantity: 40, unit: 'kits' }],
          peopleToReach: 20_000,
        },
        { agency: 'UNICEF (illustrative)' },
        config,
        { illustrative: true, at: new Date('2016-02-28T09:00:00Z') },
      );
      if (ghouta.events.some((e) => e.type === 'approval_added' && e.partyId === id('saaf'))) {
        await decide(w, ghouta, id('saaf'), { status: 'granted' }, CO_CHAIR, new Date('2016-03-01T12:00:00Z'));
      }
      return { created: true };
    },
    { allowEmpty: true },
  );
}
