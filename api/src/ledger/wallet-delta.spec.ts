import { walletDelta } from './wallet-delta';

describe('walletDelta', () => {
  it('credits everything on earn and positive adjust', () => {
    expect(walletDelta('earn', 50)).toEqual({ balance: 50, lifetime: 50, qualifying: 50 });
    expect(walletDelta('adjust', 20)).toEqual({ balance: 20, lifetime: 20, qualifying: 20 });
  });

  it('moves only spendable points on spending, expiry, refunds and debit adjustments', () => {
    expect(walletDelta('redeem', -30)).toMatchObject({ balance: -30, lifetime: 0, qualifying: 0 });
    expect(walletDelta('expire', -5)).toEqual({ balance: -5, lifetime: 0, qualifying: 0 });
    expect(walletDelta('refund', 30)).toMatchObject({ balance: 30, lifetime: 0, qualifying: 0 });
    expect(walletDelta('adjust', -10)).toEqual({ balance: -10, lifetime: 0, qualifying: 0 });
  });

  it('counts a redemption and its points on redeem, and takes them back on refund', () => {
    expect(walletDelta('redeem', -30)).toEqual({
      balance: -30,
      lifetime: 0,
      qualifying: 0,
      pointsRedeemed: 30,
      redemptions: 1,
    });
    expect(walletDelta('refund', 30)).toEqual({
      balance: 30,
      lifetime: 0,
      qualifying: 0,
      pointsRedeemed: -30,
      redemptions: -1,
    });
    expect(walletDelta('earn', 30)).not.toHaveProperty('redemptions');
  });
});
