/**
 * One promotion pass at a time per event in this process, shared by whoever asks meanwhile.
 *
 * A pass is correct however many run at once (see RsvpService), but passes racing for the same
 * head of the waitlist waste their work: with 100 cancellations at once, 100 passes would each
 * claim a seat, find the same head, and all but one give the seat back and look again. Here a
 * request joins the pass that is queued but not started yet (its facts are written, and that pass
 * will see them), or queues one behind the pass that is running. Every request still waits for a
 * pass that started after it, so "leave, then the next member is going" holds when it answers.
 * Other hub instances run their own passes; those may race with these, which is only slower.
 */
export class PromotionPasses<T> {
  private readonly events = new Map<string, { tail: Promise<unknown>; queued?: Queued<T> }>();

  /** Runs `pass` (with every member who asked to be told quietly) after the running one, or joins the queued one. */
  request(eventId: string, quietFor: string | undefined, pass: (quiet: ReadonlySet<string>) => Promise<T>): Promise<T> {
    let state = this.events.get(eventId);
    if (!state) {
      state = { tail: Promise.resolve() };
      this.events.set(eventId, state);
    }
    if (state.queued) {
      if (quietFor) state.queued.quiet.add(quietFor);
      return state.queued.done;
    }
    const queued: Queued<T> = { quiet: new Set(quietFor ? [quietFor] : []), done: Promise.resolve() as Promise<T> };
    const current = state;
    queued.done = current.tail.then(() => {
      current.queued = undefined; // from now on, newcomers queue behind this pass
      return pass(queued.quiet);
    });
    current.queued = queued;
    const tail = queued.done.catch(() => undefined);
    current.tail = tail;
    void tail.then(() => {
      if (current.tail === tail && !current.queued) this.events.delete(eventId);
    });
    return queued.done;
  }
}

interface Queued<T> {
  quiet: Set<string>;
  done: Promise<T>;
}
