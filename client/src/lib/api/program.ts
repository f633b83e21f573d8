import { api, done, unwrap, type Schemas } from './client';
import type { operations } from './schema';

/** The program admin's console: organizations, teams, people, API keys, adjustments and jobs. */
export type Organization = Schemas['OrganizationDto'];
export type Team = Schemas['TeamDto'];
export type User = Schemas['UserDto'];
export type AdminUser = Schemas['AdminUserDto'];
export type Role = User['roles'][number];
export type ApiKey = Schemas['ApiKeySummaryDto'];
export type CreatedApiKey = Schemas['CreatedApiKeyDto'];
export type Adjustment = Schemas['AdjustmentEntryDto'];
export type JobStatus = Schemas['JobStatusDto'];
export type JobRun = Schemas['JobRunDto'];

export type JobName = operations['Jobs_run']['parameters']['path']['name'];

export const ROLES: Role[] = ['member', 'manager', 'product', 'admin'];

const byId = (id: string) => ({ params: { path: { id } } });

// Organizations and teams -------------------------------------------------------------------

export const listOrganizations = (cursor?: string) =>
  unwrap(api.GET('/api/organizations', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }));

export const getOrganization = (id: string) => unwrap(api.GET('/api/organizations/{id}', byId(id)));

export const createOrganization = (body: { name: string; timezone: string }) =>
  unwrap(api.POST('/api/organizations', { body }));

export const updateOrganization = (id: string, body: { name?: string; timezone?: string }) =>
  unwrap(api.PATCH('/api/organizations/{id}', { ...byId(id), body }));

export const rotateOrganizationCode = (id: string) => unwrap(api.POST('/api/organizations/{id}/invite-code', byId(id)));

export const listTeams = (organizationId: string) =>
  unwrap(api.GET('/api/organizations/{id}/teams', byId(organizationId)));

export const createTeam = (organizationId: string, name: string) =>
  unwrap(api.POST('/api/organizations/{id}/teams', { ...byId(organizationId), body: { name } }));

export const rotateTeamCode = (organizationId: string, teamId: string) =>
  unwrap(
    api.POST('/api/organizations/{id}/teams/{teamId}/invite-code', {
      params: { path: { id: organizationId, teamId } },
    }),
  );

/** The address a newcomer registers with: the register page reads `?code=`. */
export const inviteLink = (code: string, origin = location.origin) =>
  `${origin}/register?code=${encodeURIComponent(code)}`;

// People ------------------------------------------------------------------------------------

export const searchUsers = (query: { q?: string; organizationId?: string; cursor?: string }) =>
  unwrap(api.GET('/api/admin/users', { params: { query } }));

export const getUser = (id: string) => unwrap(api.GET('/api/admin/users/{id}', byId(id)));

export const setRoles = (id: string, roles: Role[]) =>
  unwrap(api.POST('/api/users/{id}/roles', { ...byId(id), body: { roles } }));

export const adjustPoints = (body: { userId: string; amount: number; reason: string; idempotencyKey: string }) =>
  unwrap(api.POST('/api/points/adjustments', { body }));

// API keys ----------------------------------------------------------------------------------

export const listApiKeys = () => unwrap(api.GET('/api/api-keys'));

export const createApiKey = (name: string) => unwrap(api.POST('/api/api-keys', { body: { name } }));

export const revokeApiKey = (id: string) => done(api.DELETE('/api/api-keys/{id}', byId(id)));

// Jobs --------------------------------------------------------------------------------------

export const listJobs = () => unwrap(api.GET('/api/admin/jobs'));

export const runJob = (name: string) =>
  unwrap(api.POST('/api/admin/jobs/{name}', { params: { path: { name: name as JobName } }, body: {} }));
