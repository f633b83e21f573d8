import type { LedgerEntry, LedgerKind } from './schemas/ledger-entry.schema';
import type { Wallet } from './schemas/wallet.schema';

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

/**
 * Adds (`sign` 1) or takes away (-1) one entry's effect on the balances, as the live path applies
 * it: its qualifying points only when it happened at or after `qualificationStart`.
 */
export function addToBalances(
  sum: Pick<Wallet, 'balance' | 'lifetime' | 'qualifying'>,
  entry: Pick<LedgerEntry, 'kind' | 'amount' | 'occurredAt'>,
  qualificationStart: Date,
  sign = 1,
): void {
  const delta = walletDelta(entry.kind, entry.amount);
  sum.balance += sign * delta.balance;
  sum.lifetime += sign * delta.lifetime;
  if (entry.occurredAt >= qualificationStart) sum.qualifying += sign * delta.qualifying;
}
