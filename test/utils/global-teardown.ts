import type { ChildProcess } from 'node:child_process';
import { stopProcess } from './hub-process';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__hubE2E as
    { database: { stop(): Promise<void> }; hub: { process: ChildProcess } } | undefined;
  await stopProcess(state?.hub.process);
  await state?.database.stop();
}
