import { JwtService } from '@nestjs/jwt';
import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens', () => {
  const jwt = new JwtService({ secret: 'a test secret that is long enough', signOptions: { algorithm: 'HS256' } });

  it('verifies a token once, then answers from memory until the token expires', () => {
    jest.useFakeTimers({ now: new Date('2026-11-30T12:00:00Z') });
    const verify = jest.spyOn(jwt, 'verify');
    const tokens = new VerifiedTokens(jwt);
    const token = jwt.sign({ sub: 'member-1' }, { expiresIn: 120 });
    expect(tokens.verify(token)).toMatchObject({ sub: 'member-1' });
    jest.advanceTimersByTime(1_000);
    expect(tokens.verify(token)).toMatchObject({ sub: 'member-1' });
    expect(verify).toHaveBeenCalledTimes(1);
    // Past its expiry the remembered claims are not used: the real check refuses it.
    jest.advanceTimersByTime(120_000);
    expect(tokens.verify(token)).toBeNull();
    expect(verify).toHaveBeenCalledTimes(2);
    verify.mockRestore();
    jest.useRealTimers();
  });

  it('refuses forged, tampered and expired tokens every time, and remembers none of them', () => {
    const tokens = new VerifiedTokens(jwt);
    const forged = new JwtService({ secret: 'another secret entirely', signOptions: { algorithm: 'HS256' } });
    const token = jwt.sign({ sub: 'member-1' }, { expiresIn: 120 });
    const [head, body, signature] = token.split('.');
    const tampered = [head, Buffer.from('{"sub":"admin-1","exp":9999999999}').toString('base64url'), signature].join(
      '.',
    );
    const expired = jwt.sign({ sub: 'member-1', exp: Math.floor(Date.now() / 1000) - 10 });
    for (const bad of [forged.sign({ sub: 'member-1' }), tampered, expired, 'not a token', `${head}.${body}`]) {
      expect(tokens.verify(bad)).toBeNull();
      expect(tokens.verify(bad)).toBeNull();
    }
  });
});
