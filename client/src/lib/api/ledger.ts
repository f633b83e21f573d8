import { api, unwrap, type Schemas } from './client';

export type LedgerEntry = Schemas['LedgerEntryDto'];

/** My ledger, newest first, a page at a time. */
export const myLedger = (query: { limit?: number; cursor?: string } = {}) =>
  unwrap(api.GET('/api/me/ledger', { params: { query } }));
