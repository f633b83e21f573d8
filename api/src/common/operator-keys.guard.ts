import { BadRequestException, CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { findOperatorKey } from './operator-keys';

/** Refuses any body or query carrying a `$`-key or a dotted key, before a DTO even sees it. */
@Injectable()
export class OperatorKeysGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const payloads: Array<[string, unknown]> =
      context.getType() === 'ws'
        ? [['payload', context.switchToWs().getData()]]
        : [
            ['body', context.switchToHttp().getRequest<{ body?: unknown }>().body],
            ['query', context.switchToHttp().getRequest<{ query?: unknown }>().query],
          ];
    for (const [where, payload] of payloads) {
      const key = findOperatorKey(payload);
      if (key) throw new BadRequestException(`${where} must not contain operator or dotted keys (found "${key}")`);
    }
    return true;
  }
}
