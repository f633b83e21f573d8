import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import type { DomainEventName, DomainEvents } from './domain-events';

/** A typed face on the in-process event emitter. */
@Injectable()
export class DomainEventBus {
  constructor(private readonly emitter: EventEmitter2) {}

  /**
   * Runs every listener and waits for them, so that what a request caused (a tier change, a
   * socket message) has happened by the time it answers. A failing listener is logged by its
   * decorator and does not undo the event.
   */
  async publish<K extends DomainEventName>(name: K, event: DomainEvents[K]): Promise<void> {
    await this.emitter.emitAsync(name, event);
  }
}

/** Subscribes a method to a domain event, checked against the event map. */
export const OnDomainEvent = (name: DomainEventName) => OnEvent(name, { suppressErrors: true });
