export const ROLES = ['member', 'manager', 'product', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: readonly Role[] = ['manager', 'product', 'admin'];

/** Who is calling: resolved once per request by the auth guard. */
export interface Principal {
  id: string;
  roles: Role[];
  organizationId: string | null;
  teamId: string | null;
  /** Set when an external system called with an API key instead of a user token. */
  apiKeyId?: string;
}

export function hasAnyRole(principal: Pick<Principal, 'roles'>, allowed: readonly Role[]): boolean {
  return principal.roles.includes('admin') || principal.roles.some((role) => allowed.includes(role));
}

export function isStaff(principal: Pick<Principal, 'roles'>): boolean {
  return hasAnyRole(principal, STAFF_ROLES);
}

/**
 * The organization a staff caller acts within, everywhere in the hub: staff who belong to one
 * work only with what concerns it; admins and staff without one (null) with everything.
 */
export function staffScope(caller: Pick<Principal, 'roles' | 'organizationId'>): string | null {
  return !caller.roles.includes('admin') && caller.organizationId ? caller.organizationId : null;
}
