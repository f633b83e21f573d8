import { REDEMPTION_ID, redemptionId, refusal } from './redemption-rules';

describe('redemption rules', () => {
  it('derives one id per member and key', () => {
    const id = redemptionId('656565656565656565656565', 'key-1');
    expect(id).toMatch(REDEMPTION_ID);
    expect(redemptionId('656565656565656565656565', 'key-1')).toBe(id);
    expect(redemptionId('656565656565656565656566', 'key-1')).not.toBe(id);
    expect(redemptionId('656565656565656565656565', 'key-2')).not.toBe(id);
  });

  it('tells the refusals apart', () => {
    const messages = (['points', 'stock', 'limit', 'interrupted'] as const).map((reason) => refusal(reason).message);
    expect(new Set(messages).size).toBe(4);
    expect(refusal('points', { short: 40 }).message).toBe('Insufficient points: 40 more points needed');
    expect(refusal('limit', { limit: 2 }).getStatus()).toBe(409);
  });
});
