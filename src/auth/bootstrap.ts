import type { Db } from '../db/db.ts';
import { advisoryXactLock } from '../db/statements.ts';
import { SYSTEM, write } from '../ledger/ledger.ts';
import { issueToken } from './service.ts';
import { firstAdmin, insertAccount, tokenExists } from './store.ts';

/**
 * Makes sure an admin can get in: with TRUCE_ADMIN_TOKEN that token belongs to the first
 * admin; without it, a first start generates one. Returns a generated token (to print once).
 */
export async function ensureFirstAdmin(db: Db, adminToken: string | null): Promise<string | null> {
  return write(
    db,
    SYSTEM,
    async (w) => {
      const { q } = w;
      await advisoryXactLock(q, 7240217); // several instances starting at once
      let admin = await firstAdmin(q);
      if (admin && (!adminToken || (await tokenExists(q, adminToken)))) return null;
      if (!admin) {
        admin = await insertAccount(q, { name: 'Administrator', role: 'admin' }, null);
        w.record('account.created', 'account', admin.id);
      }
      const { token } = await issueToken(w, admin.id, adminToken ? 'TRUCE_ADMIN_TOKEN' : 'first start', adminToken ?? undefined);
      return adminToken ? null : token;
    },
    { allowEmpty: true }, // usually there is nothing to do
  );
}
