import type { LedgerKind } from './schemas/ledger-entry.schema';

export interface WalletDelta {
  balance: number;
  lifetime: number;
  qualifying: number;
}

/**
 * How one ledger entry moves a wallet. Shared by the live path and by any rebuild from the
 * ledger, so the two cannot disagree.
 *
 * - earn and positive adjust: spendable, lifetime and qualifying all rise (a goodwill grant counts
 *   like earned points);
 * - redeem, expire and negative adjust: only spendable falls — spending never lowers a tier;
 * - refund: gives back spendable points; they were never removed from lifetime or qualifying.
 */
export function walletDelta(kind: LedgerKind, amount: number): WalletDelta {
  const credited = (kind === 'earn' || kind === 'adjust') && amount > 0;
  return { balance: amount, lifetime: credited ? amount : 0, qualifying: credited ? amount : 0 };
}
