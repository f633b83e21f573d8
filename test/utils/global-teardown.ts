import type { ChildProcess } from 'node:child_process';
import { stopProcess } from './hub-process';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__hubE2E as
    { database: { stop(): Promise<void> }; processes: ChildProcess[]; redis: ChildProcess } | undefined;
  if (!state) return;
  await Promise.all(state.processes.map(stopProcess));
  await stopProcess(state.redis);
  await state.database.stop();
}
