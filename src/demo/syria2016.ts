// The demo scenario: the Syrian cessation of hostilities of February 2016 (facts from
// shared/data/README.md). Times are given in Damascus time (UTC+2) as the terms state them;
// the hours of individual acceptances are approximate.
import type { Db } from '../db/db.ts';
import { advisoryXactLock } from '../db/statements.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { recordCommitment, createParty } from '../parties/service.ts';
import type { PartyCreate } from '../parties/schemas.ts';
import { findPartyByName } from '../parties/lookup.ts';
import { createTerms } from '../terms/service.ts';
import { getTerms } from '../terms/lookup.ts';

const id = (n: number) => `00000000-2016-4000-8000-${String(n).padStart(12, '0')}`;
export const DEMO_TERMS_ID = id(1);
const UNSC = 'UN Security Council resolutions 2170, 2178, 2199, 2249 and 2253 (terrorist organisations designated by the UNSC)';

export const DEMO_PARTIES: (PartyCreate & { key: string; id: string })[] = [
  { key: 'usa', id: id(101), name: 'United States of America', aliases: ['United States', 'USA', 'US', 'الولايات المتحدة'], kind: 'other', homeState: 'USA', operatesIn: [] },
  { key: 'rus', id: id(102), name: 'Russian Federation', aliases: ['Russia', 'Россия', 'Российская Федерация', 'روسيا'], kind: 'other', homeState: 'RUS', operatesIn: [] },
  { key: 'saaf', id: id(103), name: 'Syrian Arab Armed Forces', aliases: ['Syrian Arab Army', 'SAA', 'Syrian government forces', 'الجيش العربي السوري', 'القوات المسلحة العربية السورية'], kind: 'state_force', homeState: 'SYR', operatesIn: ['SYR'] },
  { key: 'hzb', id: id(104), name: 'Hezbollah', aliases: ['Hizbullah', 'Hizballah', 'حزب الله'], kind: 'non_state_armed_group', homeState: 'LBN', operatesIn: ['SYR'] },
  { key: 'ndf', id: id(105), name: 'National Defence Forces', aliases: ['NDF', 'Quwat al-Difa al-Watani', 'قوات الدفاع الوطني'], kind: 'non_state_armed_group', homeState: 'SYR', operatesIn: ['SYR'] },
  { key: 'vks', id: id(106), name: 'Russian Aerospace Forces', aliases: ['VKS', 'Воздушно-космические силы', 'Russian Air Force'], kind: 'state_force', homeState: 'RUS', operatesIn: ['SYR'] },
  { key: 'cjtf', id: id(107), name: 'US-led Coalition (CJTF-OIR)', aliases: ['Combined Joint Task Force – Operation Inherent Resolve', 'Global Coalition against Daesh', 'التحالف الدولي'], kind: 'coalition', homeState: 'USA', operatesIn: ['IRQ'] },
  { key: 'tsk', id: id(108), name: 'Turkish Armed Forces', aliases: ['TSK', 'Türk Silahlı Kuvvetleri', 'القوات المسلحة التركية'], kind: 'state_force', homeState: 'TUR', operatesIn: [] },
  { key: 'fsa', id: id(109), name: 'Free Syrian Army (Southern Front)', aliases: ['Southern Front', 'FSA', 'الجبهة الجنوبية', 'الجيش السوري الحر'], kind: 'non_state_armed_group', homeState: 'SYR', operatesIn: [] },
  { key: 'jai', id: id(110), name: 'Jaysh al-Islam', aliases: ['Army of Islam', 'جيش الإسلام'], kind: 'non_state_armed_group', homeState: 'SYR', operatesIn: [] },
  { key: 'sdf', id: id(111), name: 'Syrian Democratic Forces', aliases: ['SDF', 'QSD', 'قوات سوريا الديمقراطية', 'Hêzên Sûriya Demokratîk'], kind: 'non_state_armed_group', homeState: 'SYR', operatesIn: [] },
  { key: 'ahrar', id: id(112), name: 'Ahrar al-Sham', aliases: ['Harakat Ahrar al-Sham al-Islamiyya', 'حركة أحرار الشام الإسلامية'], kind: 'non_state_armed_group', homeState: 'SYR', operatesIn: [] },
  {
    key: 'isil', id: id(113), name: 'ISIL', aliases: ['ISIS', 'Islamic State', 'Daesh', 'داعش', 'الدولة الإسلامية في العراق والشام'], kind: 'non_state_armed_group', homeState: null, operatesIn: [],
    designation: { designated: true, basis: UNSC, since: '2014-08-15T00:00:00Z' },
  },
  {
    key: 'nusra', id: id(114), name: 'Jabhat al-Nusra', aliases: ['al-Nusra Front', 'Nusra Front', 'جبهة النصرة'], kind: 'non_state_armed_group', homeState: null, operatesIn: [],
    designation: { designated: true, basis: UNSC, since: '2014-08-15T00:00:00Z' },
  },
];

/** Acceptances as they came in before the deadline of 26 February 2016, 12:00 Damascus time. */
const COMMITMENTS: { party: string; via: 'usa' | 'rus'; at: string; note: string }[] = [
  { party: 'usa', via: 'usa', at: '2016-02-22T18:00:00+02:00', note: 'Co-chair; joint statement of the United States and Russia' },
  { party: 'rus', via: 'rus', at: '2016-02-22T18:00:00+02:00', note: 'Co-chair; joint statement of the United States and Russia' },
  { party: 'vks', via: 'rus', at: '2016-02-22T18:00:00+02:00', note: 'Through the Russian Federation as co-chair' },
  { party: 'cjtf', via: 'usa', at: '2016-02-22T18:00:00+02:00', note: 'Through the United States as co-chair' },
  { party: 'saaf', via: 'rus', at: '2016-02-23T14:00:00+02:00', note: 'The Syrian government announced its acceptance' },
  { party: 'hzb', via: 'rus', at: '2016-02-23T14:00:00+02:00', note: 'Covered by the acceptance of the Syrian government and its allies' },
  { party: 'ndf', via: 'rus', at: '2016-02-23T14:00:00+02:00', note: 'Covered by the acceptance of the Syrian government and its allies' },
  { party: 'tsk', via: 'usa', at: '2016-02-24T16:00:00+02:00', note: 'Turkey stated it would abide by the cessation' },
  { party: 'sdf', via: 'usa', at: '2016-02-25T12:00:00+02:00', note: 'Acceptance conveyed to the United States' },
  { party: 'fsa', via: 'usa', at: '2016-02-26T10:00:00+02:00', note: 'Through the High Negotiations Committee (some 97 factions)' },
  { party: 'jai', via: 'usa', at: '2016-02-26T10:00:00+02:00', note: 'Through the High Negotiations Committee' },
];

const TERMS_TEXT = `Terms for a Cessation of Hostilities in Syria (joint statement of the United States and the Russian Federation, 22 February 2016, as co-chairs of the International Syria Support Group and its Ceasefire Task Force; endorsed by UN Security Council resolution 2268 of 26 February 2016).
Parties indicate their commitment to the United States or the Russian Federation by 12:00 Damascus time on 26 February 2016; the cessation applies from 00:00 Damascus time on 27 February 2016.
It does not apply to ISIL ("Daesh"), Jabhat al-Nusra, or other organisations designated as terrorist by the UN Security Council.
Parties: cease attacks with any weapons, refrain from acquiring or seeking to acquire territory from other parties, allow humanitarian agencies rapid, safe, unhindered and sustained access, use only proportionate force in self-defence.
Mechanisms: exchange of information delineating territory held by the parties, a communication hotline, and the handling of violations beginning with a request for information from the suspected violator.`;

/** Loads the scenario in one transaction; a second run finds its terms and changes nothing. */
export async function seedDemo(db: Db): Promise<{ created: boolean }> {
  return write(db, SYSTEM, async (w) => {
    const { q } = w;
    await advisoryXactLock(q, 7240218);
    if (await getTerms(q, DEMO_TERMS_ID)) return { created: false };
    const ids = new Map<string, string>();
    for (const { key, id: pid, ...p } of DEMO_PARTIES) {
      const existing = await findPartyByName(q, p.name); // reuse a party someone registered by hand
      ids.set(key, existing ? existing.id : (await createParty(w, p, pid)).id);
    }
    await createTerms(
      w,
      {
        name: 'Cessation of Hostilities in Syria (February 2016)',
        text: TERMS_TEXT,
        announcedAt: '2016-02-22T12:00:00+02:00',
        commitmentDeadline: '2016-02-26T12:00:00+02:00',
        startsAt: '2016-02-27T00:00:00+02:00',
        cochairPartyIds: [ids.get('usa')!, ids.get('rus')!],
      },
      DEMO_TERMS_ID,
    );
    for (const c of COMMITMENTS) {
      await recordCommitment(w, ids.get(c.party)!, { type: 'committed', at: c.at, viaPartyId: ids.get(c.via)!, termsId: DEMO_TERMS_ID, note: c.note });
    }
    return { created: true };
  }, { allowEmpty: true }); // a second run writes nothing
}
