import { api, unwrap, type Schemas } from './client';

export type Rule = Schemas['RuleDto'];
export type Badge = Schemas['BadgeDto'];
export type MyBadge = Schemas['MyBadgeDto'];
export type BadgeProgress = Schemas['BadgeProgressDto'];
export type Tier = Schemas['TierDto'];
export type Progress = Schemas['ProgressDto'];

/** The earning rules in force (How to earn). */
export const listRules = () => unwrap(api.GET('/api/rules'));

/** Every badge of the program, with its criteria. */
export const listBadges = () => unwrap(api.GET('/api/badges'));

/** The badges I hold, with when I earned them. */
export const myBadges = () => unwrap(api.GET('/api/me/badges'));

/** The program's tiers, ascending (see `$lib/tiers` for a cached copy). */
export const listTiers = () => unwrap(api.GET('/api/tiers'));

/** My tier, the next one, and my progress towards each badge. */
export const myProgress = () => unwrap(api.GET('/api/me/progress'));
