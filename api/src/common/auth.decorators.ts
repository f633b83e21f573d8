import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import type { Principal, Role } from './roles';

export const PUBLIC_KEY = 'hub:public';
export const ROLES_KEY = 'hub:roles';

/** No login needed. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles (admin always passes). */
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(ROLES_KEY, roles), ApiBearerAuth());

/** The authenticated caller. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<{ principal: Principal }>().principal,
);
