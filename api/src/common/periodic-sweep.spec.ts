import { PeriodicSweep } from './periodic-sweep';

describe('PeriodicSweep', () => {
  afterEach(() => jest.useRealTimers());

  it('runs one sweep at a time: a tick while one runs does nothing', async () => {
    let finish!: () => void;
    const run = jest.fn(() => new Promise<void>((done) => (finish = done)));
    const sweep = new PeriodicSweep(run, jest.fn());
    const first = sweep.tick();
    await sweep.tick();
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await first;
    void sweep.tick();
    expect(run).toHaveBeenCalledTimes(2);
    finish();
  });

  it('hands a failure to its owner and sweeps again on the next tick', async () => {
    const failed = jest.fn();
    const run = jest.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValueOnce(3);
    const sweep = new PeriodicSweep(run, failed);
    await sweep.tick();
    expect(failed).toHaveBeenCalledWith(new Error('down'));
    await sweep.tick();
    expect(run).toHaveBeenCalledTimes(2);
    expect(failed).toHaveBeenCalledTimes(1);
  });

  it('ticks on its timer, first after a delay where given, and stop waits for the sweep running', async () => {
    jest.useFakeTimers();
    let finish!: () => void;
    const run = jest.fn(() => new Promise<void>((done) => (finish = done)));
    const sweep = new PeriodicSweep(run, jest.fn());
    sweep.start(60_000, 1_000);
    jest.advanceTimersByTime(1_000);
    expect(run).toHaveBeenCalledTimes(1);
    let stopped = false;
    const stopping = sweep.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    jest.advanceTimersByTime(120_000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
