/**
 * A sweep this process runs on a timer, one at a time: a tick while the previous sweep still runs
 * does nothing, so a slow sweep is not overtaken by the next one. What `run` throws goes to
 * `failed` (each owner logs it its own way); the timer never keeps the process alive.
 */
export class PeriodicSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly failed: (error: Error) => void,
  ) {}

  /** Ticks every `everyMs` from now, and once after `firstAfterMs` where given. */
  start(everyMs: number, firstAfterMs?: number): void {
    if (firstAfterMs !== undefined) setTimeout(() => void this.tick(), firstAfterMs).unref();
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  /** No more ticks; resolves once a sweep still running has finished (for a graceful shutdown). */
  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.running ?? Promise.resolve();
  }

  /** One sweep now, unless one is running; resolves when it has finished. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.run()
      .then(
        () => undefined,
        (error: Error) => this.failed(error),
      )
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
