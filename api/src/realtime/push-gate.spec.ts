import { LocalPushGate } from './push-gate';

describe('LocalPushGate', () => {
  afterEach(() => jest.useRealTimers());

  it('lets one push through per window and says how long the next one must wait', async () => {
    jest.useFakeTimers({ now: 10_000 });
    const gate = new LocalPushGate(1_000);
    expect(await gate.claim('room')).toBe(0);
    jest.setSystemTime(10_400);
    expect(await gate.claim('room')).toBe(600);
    expect(await gate.claim('other room')).toBe(0);
    jest.setSystemTime(11_000);
    expect(await gate.claim('room')).toBe(0);
  });

  it('reports a change only when the view differs from the last one, starting from what a subscriber fetched', async () => {
    const gate = new LocalPushGate(1_000);
    const load = jest.fn().mockResolvedValue('[a]');
    await gate.remember('room', load);
    await gate.remember('room', load); // a second subscriber: the view is known, nothing fetched
    expect(load).toHaveBeenCalledTimes(1);
    expect(await gate.swap('room', '[a]')).toBe(false);
    expect(await gate.swap('room', '[b]')).toBe(true);
    expect(await gate.swap('room', '[b]')).toBe(false);
    await gate.forget('room');
    expect(await gate.swap('room', '[b]')).toBe(true);
  });
});
