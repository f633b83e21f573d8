import { generateApiKey, hashApiKey } from './api-key-secret';

describe('API key secrets', () => {
  it('are long, random and stored only as a hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^ehk_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key.slice(4));
    expect(a.key.startsWith(a.prefix)).toBe(true);
  });
});
