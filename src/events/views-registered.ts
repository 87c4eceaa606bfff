// Event views of the capabilities that came before the hub (a capability added later registers
// its own, next to its row readers). Types not named here follow the ledger's rules (views.ts):
// `site` (the notified site) only to who may read the site, `vetting` and `vetting_flag` only to
// the task force (a liaison is not told even of its own requests' leaves), every ordinary type to all.
import { mayReadRow } from '../ledger/entities.ts';
import { siteOfEvent } from '../sites/lookup.ts';
import { basePayload, registerEventView } from './views.ts';

// a withdrawal or rejection: to those who may read the site it ends, naming it
registerEventView('site_event', async (q, p, e) => {
  const siteId = await siteOfEvent(q, e.id);
  return siteId !== null && (await mayReadRow(q, p, 'site', siteId)) ? { ...basePayload(e), siteId } : null;
});
