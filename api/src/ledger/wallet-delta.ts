import type { LedgerKind } from './schemas/ledger-entry.schema';

export interface WalletDelta {
  balance: number;
  lifetime: number;
  qualifying: number;
  /** Points spent on rewards (refunds deducted), and the redemptions they paid for: redeem and refund only. */
  pointsRedeemed?: number;
  redemptions?: number;
}

/**
 * How one ledger entry moves a wallet. Shared by the live path and by any rebuild from the
 * ledger, so the two cannot disagree.
 *
 * - earn and positive adjust: spendable, lifetime and qualifying all rise (a goodwill grant counts
 *   like earned points);
 * - redeem, expire and negative adjust: only spendable falls — spending never lowers a tier;
 * - refund: gives back spendable points; they were never removed from lifetime or qualifying.
 *
 * A redeem also counts one redemption and its points, a refund takes them back, in the same
 * update as the balance: the analytics read the member's spending from the wallet.
 */
export function walletDelta(kind: LedgerKind, amount: number): WalletDelta {
  const credited = (kind === 'earn' || kind === 'adjust') && amount > 0;
  const delta: WalletDelta = { balance: amount, lifetime: credited ? amount : 0, qualifying: credited ? amount : 0 };
  if (kind === 'redeem') return { ...delta, pointsRedeemed: -amount, redemptions: 1 };
  if (kind === 'refund') return { ...delta, pointsRedeemed: -amount, redemptions: -1 };
  return delta;
}
