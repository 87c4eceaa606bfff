// What other capabilities may read of accounts: through here, never auth/store.ts.
export { getAccount, type Account } from './store.ts';
