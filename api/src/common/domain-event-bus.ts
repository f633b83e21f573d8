import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import type { DomainEventName, DomainEvents } from './domain-events';

/** A typed face on the in-process event emitter. */
@Injectable()
export class DomainEventBus {
  constructor(private readonly emitter: EventEmitter2) {}

  /**
   * Runs every listener and waits for them, so that what a request caused (a tier change, a
   * socket message) has happened by the time it answers. A failing `@OnDomainEvent` listener is
   * logged and does not undo the event; a failing `@OnDomainEffect` listener makes this reject,
   * so the caller knows the work is unfinished (and leaves it to be finished later).
   */
  async publish<K extends DomainEventName>(name: K, event: DomainEvents[K]): Promise<void> {
    await this.emitter.emitAsync(name, event);
  }
}

/** Subscribes a method to a domain event, checked against the event map; its failures are only logged. */
export const OnDomainEvent = (name: DomainEventName) => OnEvent(name, { suppressErrors: true });

/**
 * Subscribes a method that applies part of what the event means (a board increment, a tier
 * change): its failure fails `publish`, and it must be safe to run again for the same event.
 */
export const OnDomainEffect = (name: DomainEventName) => OnEvent(name, { suppressErrors: false });
