import { analytics } from './analytics';
import { app } from './app';
import { auth } from './auth';
import { badges } from './badges';
import { challenges } from './challenges';
import { dashboard } from './dashboard';
import { events } from './events';
import { feedback } from './feedback';
import { leaderboards } from './leaderboards';
import { learn } from './learn';
import { manage } from './manage';
import { notifications } from './notifications';
import { profile } from './profile';
import { program } from './program';
import { rewards } from './rewards';
import { rules } from './rules';

/**
 * The English catalog, one file per area so that each domain edits only its own file. A new area
 * (e.g. `events.ts` exporting `events = {…} as const`) is imported here and added to `areas`.
 * Keys are `<area>.<what>`; placeholders are `{name}`. Every string the UI shows lives here; another
 * language is a catalog of type `Messages` (a missing key is a build error).
 */
const areas = {
  analytics,
  app,
  auth,
  badges,
  challenges,
  dashboard,
  events,
  feedback,
  leaderboards,
  learn,
  manage,
  notifications,
  profile,
  program,
  rewards,
  rules,
};

type Areas = typeof areas;
type Area = keyof Areas;
type UnionToIntersection<U> = (U extends unknown ? (union: U) => void : never) extends (all: infer I) => void
  ? I
  : never;

/** Keys that two area files both define; one would silently win, so this must stay `never`. */
type DuplicateKeys = {
  [A in Area]: { [B in Exclude<Area, A>]: keyof Areas[A] & keyof Areas[B] }[Exclude<Area, A>];
}[Area];
true satisfies [DuplicateKeys] extends [never] ? true : { duplicateKeys: DuplicateKeys };

export const en = Object.assign({}, ...Object.values(areas)) as UnionToIntersection<Areas[Area]>;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
