import { BadRequestException, CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { findOperatorKey } from './operator-keys';

/** Refuses any body or query carrying a `$`-key or a dotted key, before a DTO even sees it. */
@Injectable()
export class OperatorKeysGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    // Socket payloads are checked by the gateway itself (validatePayload), so that a refusal is
    // answered in the event's acknowledgement rather than as a stray error event.
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<{ body?: unknown; query?: unknown }>();
    for (const [where, payload] of [
      ['body', request.body],
      ['query', request.query],
    ] as const) {
      const key = findOperatorKey(payload);
      if (key) throw new BadRequestException(`${where} must not contain operator or dotted keys (found "${key}")`);
    }
    return true;
  }
}
