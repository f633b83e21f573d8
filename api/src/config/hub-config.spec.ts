import { join } from 'node:path';
import { ConfigError, loadConfig, REPO_ROOT } from './hub-config';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HUB_DATA_DIR).toBe(join(REPO_ROOT, 'data'));
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.redisSource).toBe('embedded');
    expect(config.HUB_DEMO).toBe(false);
  });

  it('parses numbers and booleans from strings', () => {
    const config = loadConfig({ PORT: '3100', HUB_DEMO: 'true', JWT_TTL_SECONDS: '3600' });
    expect(config.PORT).toBe(3100);
    expect(config.HUB_DEMO).toBe(true);
    expect(config.JWT_TTL_SECONDS).toBe(3600);
  });

  it('tells an embedded Redis (unset) from a given one and from none', () => {
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379' })).toMatchObject({
      REDIS_URL: 'redis://cache:6379',
      redisSource: 'url',
    });
    expect(loadConfig({ REDIS_URL: 'rediss://cache:6380/1' }).redisSource).toBe('url');
    const none = loadConfig({ REDIS_URL: 'none' });
    expect(none.REDIS_URL).toBeUndefined();
    expect(none.redisSource).toBe('none');
    expect(loadConfig({ redisSource: 'none' }).redisSource).toBe('embedded'); // derived, never from the environment
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL/],
    [{ REDIS_URL: 'None' }, /REDIS_URL/],
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
