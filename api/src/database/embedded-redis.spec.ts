import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_PID_FILE, redisServerArgs, runningRedis, ServerProbe } from './embedded-redis';

describe('embedded redis-server', () => {
  it('listens on loopback only, on the port given, with an append-only file and no RDB snapshots', () => {
    const args = redisServerArgs('/var/hub/redis', 6390);
    const option = (name: string) => args[args.indexOf(name) + 1];
    expect(option('--bind')).toBe('127.0.0.1');
    expect(option('--port')).toBe('6390');
    expect(option('--dir')).toBe('/var/hub/redis');
    expect(option('--appendonly')).toBe('yes');
    expect(option('--save')).toBe('');
    expect(option('--daemonize')).toBe('no');
    expect(option('--logfile')).toBe('/var/hub/redis/redis.log');
    expect(args).not.toContain('--requirepass');
  });

  describe('reuse through the pid file', () => {
    const dir = () => mkdtempSync(join(tmpdir(), 'hub-redis-pid-'));
    const probe = (alive: number[], answering: number[]): ServerProbe & { asked: number[] } => {
      const asked: number[] = [];
      return {
        asked,
        isAlive: (pid) => alive.includes(pid),
        answers: (port) => (asked.push(port), Promise.resolve(answering.includes(port))),
      };
    };
    const withPidFile = (text: string) => {
      const path = join(dir(), REDIS_PID_FILE);
      writeFileSync(path, text);
      return path;
    };

    it('reuses the recorded server when its process lives and its port answers PING', async () => {
      const path = withPidFile(JSON.stringify({ pid: 4242, port: 6390 }));
      await expect(runningRedis(path, probe([4242], [6390]))).resolves.toEqual({ pid: 4242, port: 6390 });
    });

    it('starts anew when there is no pid file', async () => {
      await expect(runningRedis(join(dir(), REDIS_PID_FILE), probe([4242], [6390]))).resolves.toBeUndefined();
    });

    it('starts anew when the recorded process has died (crash, reboot), without asking its port', async () => {
      const path = withPidFile(JSON.stringify({ pid: 4242, port: 6390 }));
      const check = probe([], [6390]);
      await expect(runningRedis(path, check)).resolves.toBeUndefined();
      expect(check.asked).toEqual([]);
    });

    it('starts anew when the process lives but its port does not answer (a recycled pid)', async () => {
      const path = withPidFile(JSON.stringify({ pid: 4242, port: 6390 }));
      await expect(runningRedis(path, probe([4242], []))).resolves.toBeUndefined();
    });

    it.each([['not json'], ['{}'], ['{"pid":"4242","port":6390}'], ['null']])(
      'starts anew when the pid file is unreadable: %s',
      async (text) => {
        await expect(runningRedis(withPidFile(text), probe([4242], [6390]))).resolves.toBeUndefined();
      },
    );
  });
});
