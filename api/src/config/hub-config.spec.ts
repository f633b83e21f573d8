import { ConfigError, loadConfig } from './hub-config';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HUB_DATA_DIR).toBe('./data');
    expect(config.HUB_DEMO).toBe(false);
  });

  it('parses numbers and booleans from strings', () => {
    const config = loadConfig({ PORT: '3100', HUB_DEMO: 'true', JWT_TTL_SECONDS: '3600' });
    expect(config.PORT).toBe(3100);
    expect(config.HUB_DEMO).toBe(true);
    expect(config.JWT_TTL_SECONDS).toBe(3600);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ MONGODB_URI: 'postgres://x' }, /MONGODB_URI/],
    [{ PROGRAM_TIMEZONE: 'Mars/Olympus' }, /IANA/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
    [{ HUB_ADMIN_EMAIL: 'admin@example.com' }, /set together/],
    [{ HUB_DEMO: 'maybe' }, /HUB_DEMO/],
  ])('refuses %p with a one-line reason', (env, reason) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toMatch(reason);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
