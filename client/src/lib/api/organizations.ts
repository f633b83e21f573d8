import { api, unwrap, type Schemas } from './client';

export type Organization = Schemas['OrganizationDto'];

export const listOrganizations = (query: { limit?: number; cursor?: string } = {}) =>
  unwrap(api.GET('/api/organizations', { params: { query } }));
