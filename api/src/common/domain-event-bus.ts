import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import type { DomainEventName, DomainEvents } from './domain-events';

/** A typed face on the in-process event emitter. */
@Injectable()
export class DomainEventBus {
  constructor(private readonly emitter: EventEmitter2) {}

  emit<K extends DomainEventName>(name: K, event: DomainEvents[K]): void {
    this.emitter.emit(name, event);
  }
}

/** Subscribes a method to a domain event, checked against the event map. */
export const OnDomainEvent = (name: DomainEventName) => OnEvent(name, { async: true, suppressErrors: false });
