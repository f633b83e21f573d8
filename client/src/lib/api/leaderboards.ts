import type { LeaderboardSubscription } from '$events';
import { api, unwrap, type Schemas } from './client';

export type Board = Schemas['LeaderboardDto'];
export type Scope = LeaderboardSubscription['scope'];
export type Period = LeaderboardSubscription['period'];

/** A board's top `limit` (10 by default) and my standing on it. */
export const getBoard = (query: { scope: Scope; period: Period; organizationId?: string; limit?: number }) =>
  unwrap(api.GET('/api/leaderboards', { params: { query } }));
