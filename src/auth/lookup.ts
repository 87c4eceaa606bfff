// What other capabilities may read of accounts: through here, never auth/store.ts.
export { accountsByIds, getAccount, signingKeyOf, type Account } from './store.ts';
export { accountByUsername, firstAdminAccount } from './store.ts';
