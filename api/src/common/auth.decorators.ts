import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import type { Principal, Role } from './roles';

export const PUBLIC_KEY = 'hub:public';
export const ROLES_KEY = 'hub:roles';

/** No login needed. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles (admin always passes). */
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(ROLES_KEY, roles), ApiBearerAuth());

export const API_KEY_ALLOWED = 'hub:api-key';

/** Also accepts an external system's `X-Api-Key` (the only kind of route that does). */
export const AllowApiKey = () =>
  applyDecorators(SetMetadata(API_KEY_ALLOWED, true), ApiSecurity('api-key'), ApiBearerAuth());

/** The authenticated caller. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
