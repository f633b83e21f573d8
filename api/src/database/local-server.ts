import { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { AddressInfo, connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * What the embedded database and the embedded Redis share: a server process of ours on a free
 * loopback port, found again through a pid file in HUB_DATA_DIR so that a second start reuses it.
 */

/** Finds an executable on the PATH, like `which`. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The pid file's contents when it parses and names a pid and a port; anything else is no server. */
export function readPidFile<T extends { pid: number; port: number }>(path: string): T | undefined {
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as T;
    return Number.isInteger(record?.pid) && Number.isInteger(record?.port) ? record : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, only not ours to signal
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolveAnswer(true);
    });
    socket.once('error', () => resolveAnswer(false));
  });
}

/** Stops a server we started: SIGTERM, then SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
