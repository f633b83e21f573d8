import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { API_KEY_ALLOWED, PUBLIC_KEY, ROLES_KEY } from '../common/auth.decorators';
import { hasAnyRole, type Principal, type Role } from '../common/roles';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';

/**
 * Every HTTP route needs a valid bearer token unless marked @Public(); the token's user is looked
 * up (briefly cached, see UsersService.principalFor) so a role change or a removed account takes
 * effect within seconds rather than at the token's expiry. Then @Roles().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // the gateway authenticates at the handshake
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string' && this.reflector.getAllAndOverride<boolean>(API_KEY_ALLOWED, targets)) {
      request.principal = await this.authenticateKey(apiKey);
      return true;
    }
    const principal = await this.authenticate(request.headers.authorization);
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles?.length && !hasAnyRole(principal, roles)) {
      throw new ForbiddenException(`This needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }

  private async authenticateKey(presented: string): Promise<Principal> {
    const key = presented.length <= 200 ? await this.apiKeys.authenticate(presented) : null;
    if (!key) throw new UnauthorizedException('Invalid API key');
    const id = key._id.toHexString();
    return { id: `api-key:${id}`, roles: [], organizationId: null, teamId: null, apiKeyId: id };
  }

  /** Resolves a bearer token to the user it names; used by HTTP routes and the socket handshake. */
  async authenticate(header: string | undefined): Promise<Principal> {
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const claims = token ? this.auth.verify(token) : null;
    const principal = claims ? await this.users.principalFor(claims.sub) : null;
    if (!principal) throw new UnauthorizedException('Sign in first');
    return principal;
  }
}
