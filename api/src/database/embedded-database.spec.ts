import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineArgs, engineEnv, findOnPath } from './embedded-database';

describe('embedded database', () => {
  it('starts FerretDB on SQLite, on loopback, without telemetry or a debug listener', () => {
    const args = engineArgs('ferretdb', '/var/hub', 27018);
    expect(args).toEqual(
      expect.arrayContaining([
        '--handler=sqlite',
        '--sqlite-url=file:/var/hub/ferretdb/',
        '--listen-addr=127.0.0.1:27018',
        '--telemetry=disable',
        '--debug-addr=-',
      ]),
    );
  });

  it('starts mongod on loopback with its own dbpath', () => {
    expect(engineArgs('mongod', '/var/hub', 27018)).toEqual([
      '--dbpath',
      '/var/hub/mongod',
      '--bind_ip',
      '127.0.0.1',
      '--port',
      '27018',
      '--quiet',
    ]);
  });

  it('lets FerretDB collect garbage less often, under a memory ceiling, unless the environment says otherwise', () => {
    expect(engineEnv('ferretdb', { PATH: '/bin' })).toEqual({ PATH: '/bin', GOGC: '400', GOMEMLIMIT: '512MiB' });
    expect(engineEnv('ferretdb', { GOGC: '100', GOMEMLIMIT: '1GiB' })).toEqual({ GOGC: '100', GOMEMLIMIT: '1GiB' });
    expect(engineEnv('mongod', { PATH: '/bin' })).toEqual({ PATH: '/bin' });
  });

  it('finds an executable on the PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-path-'));
    writeFileSync(join(dir, 'mongod'), '#!/bin/sh\n');
    chmodSync(join(dir, 'mongod'), 0o755);
    expect(findOnPath('mongod', `/nonexistent:${dir}`)).toBe(join(dir, 'mongod'));
    expect(findOnPath('mongod', '/nonexistent')).toBeUndefined();
  });
});
