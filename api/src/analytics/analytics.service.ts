import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { Principal } from '../common/roles';
import { TtlCache } from '../common/ttl-cache';
import { HubConfig } from '../config/hub-config';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersRepository } from '../users/users.repository';
import { AnalyticsRollupsService, balanceId } from './analytics-rollups.service';
import { AnalyticsRepository } from './analytics.repository';
import type {
  AnalyticsQueryDto,
  OrganizationFiguresDto,
  OrganizationsFiguresDto,
  OverviewDto,
  RangeQueryDto,
  SeriesDto,
  SeriesQueryDto,
} from './dto/analytics.dto';
import {
  addCounters,
  addDays,
  dailyActive,
  daysBetween,
  daysIn,
  distinctActive,
  monthsIn,
  npsOf,
  participationRate,
  periodsIn,
  PROGRAM,
  startOfDay,
  type DayCounters,
} from './rollups';

/** The longest range a request may ask for (two years and a day). */
export const MAX_RANGE_DAYS = 732;
const DEFAULT_RANGE_DAYS = 30;

export interface Range {
  from: string;
  to: string;
}

/** A query day: a date as given, or an instant read as its calendar day in `zone`. */
export function dayOfInput(value: string, zone: string, field: string): string {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? DateTime.fromISO(value, { zone: 'utc' })
    : DateTime.fromISO(value, { setZone: true }).setZone(zone);
  if (!parsed.isValid) throw new BadRequestException(`${field} must be an ISO date`);
  return parsed.toISODate();
}

/** The days asked for (default: the last 30 days, today included), checked. */
export function resolveRange(query: RangeQueryDto, zone: string, now = new Date()): Range {
  const to = query.to ? dayOfInput(query.to, zone, 'to') : DateTime.fromJSDate(now, { zone }).toISODate()!;
  const from = query.from ? dayOfInput(query.from, zone, 'from') : addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) throw new BadRequestException('from must not be after to');
  if (daysBetween(from, to) >= MAX_RANGE_DAYS)
    throw new BadRequestException(`A range spans at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

interface ScopeFigures {
  counters: DayCounters;
  activeMembers: number;
}

/**
 * The figures, read from the rollups only (month documents by `_id`, and the balance totals):
 * a read costs the range's months, whatever the history or the number of members (the member
 * counts are kept by the users repository, read by `_id` too).
 */
@Injectable()
export class AnalyticsService {
  /** Organizations seen to exist (they are never deleted): a staff read then costs no look-up for it. */
  private readonly known = new TtlCache<string, true>(10 * 60_000, 10_000);

  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly rollups: AnalyticsRollupsService,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersRepository,
    private readonly config: HubConfig,
  ) {}

  /** The organization a caller reads: its own, or (staff without one) the one asked for, or the program (null). */
  async scopeOf(caller: Principal, requested?: string): Promise<string | null> {
    if (caller.organizationId) {
      if (requested && requested !== caller.organizationId) {
        throw new ForbiddenException('You can read the analytics of your own organization');
      }
      return caller.organizationId;
    }
    if (!requested) return null;
    if (!this.known.get(requested)) {
      await this.organizations.getVisible(caller, requested); // 404 when there is none
      this.known.set(requested, true);
    }
    return requested;
  }

  zoneOf(organizationId: string | null): Promise<string> {
    return this.organizations.zoneOf(organizationId);
  }

  async overview(caller: Principal, query: AnalyticsQueryDto, now = new Date()): Promise<OverviewDto> {
    const organizationId = await this.scopeOf(caller, query.organizationId);
    const timezone = await this.zoneOf(organizationId);
    const range = resolveRange(query, timezone, now);
    await this.rollups.settled();
    const scope = organizationId ?? PROGRAM;
    const [figures, members, outstanding] = await Promise.all([
      this.figures(scope, range),
      this.countMembers(organizationId),
      this.outstanding(scope),
    ]);
    const c = figures.counters;
    return {
      from: range.from,
      to: range.to,
      timezone,
      organizationId,
      members,
      activeMembers: figures.activeMembers,
      participationRate: participationRate(figures.activeMembers, members),
      byFeature: {
        learning: (c.lessonsCompleted ?? 0) + (c.quizzesPassed ?? 0) + (c.coursesCompleted ?? 0),
        challenges: c.challengesCompleted ?? 0,
        events: c.eventsAttended ?? 0,
        feedback: c.responses ?? 0,
        rewards: c.redemptions ?? 0,
      },
      pointsIssued: c.pointsIssued ?? 0,
      pointsRedeemed: c.pointsRedeemed ?? 0,
      pointsExpired: c.pointsExpired ?? 0,
      pointsAdjusted: c.pointsAdjusted ?? 0,
      pointsOutstanding: outstanding,
      activities: c.activities ?? 0,
      redemptions: c.redemptions ?? 0,
      responses: c.responses ?? 0,
      nps: npsOf(c),
      npsAnswers: (c.promoters ?? 0) + (c.passives ?? 0) + (c.detractors ?? 0),
    };
  }

  async series(caller: Principal, query: SeriesQueryDto, now = new Date()): Promise<SeriesDto> {
    const organizationId = await this.scopeOf(caller, query.organizationId);
    const timezone = await this.zoneOf(organizationId);
    const range = resolveRange(query, timezone, now);
    const interval = query.interval ?? 'day';
    await this.rollups.settled();
    const days = await this.days(organizationId ?? PROGRAM, range);
    const items = periodsIn(range.from, range.to, interval).map((period) => {
      const start = startOfDay(period.first, timezone);
      if (query.metric === 'activeMembers') {
        const value =
          period.first === period.last
            ? dailyActive(days.get(period.first)?.h)
            : distinctActive(histograms(days), period.first, period.last);
        return { start, value };
      }
      const sum: DayCounters = {};
      for (const day of daysIn(period.first, period.last)) addCounters(sum, days.get(day));
      return { start, value: query.metric === 'nps' ? npsOf(sum) : (sum[query.metric] ?? 0) };
    });
    return { metric: query.metric, interval, timezone, organizationId, from: range.from, to: range.to, items };
  }

  /** Every organization side by side (admin, and staff without an organization). */
  async byOrganization(caller: Principal, query: RangeQueryDto, now = new Date()): Promise<OrganizationsFiguresDto> {
    if (caller.organizationId) throw new ForbiddenException('Staff of one organization see only their own');
    const programRange = resolveRange(query, this.config.PROGRAM_TIMEZONE, now);
    await this.rollups.settled();
    const organizations = await this.allOrganizations(caller);
    const items = await Promise.all(
      organizations.map(async (organization): Promise<OrganizationFiguresDto> => {
        const range = resolveRange(query, organization.timezone, now);
        const [figures, outstanding, count] = await Promise.all([
          this.figures(organization.id, range),
          this.outstanding(organization.id),
          this.users.memberCount(organization.id),
        ]);
        return {
          organizationId: organization.id,
          name: organization.name,
          timezone: organization.timezone,
          members: count,
          activeMembers: figures.activeMembers,
          participationRate: participationRate(figures.activeMembers, count),
          pointsIssued: figures.counters.pointsIssued ?? 0,
          pointsOutstanding: outstanding,
          nps: npsOf(figures.counters),
        };
      }),
    );
    return { from: programRange.from, to: programRange.to, items };
  }

  /** A scope's day counters over the range (its month documents). */
  async days(scope: string, range: Range): Promise<Map<string, DayCounters>> {
    const docs = await this.repository.rollupsById(monthsIn(range.from, range.to).map((month) => `${scope}:${month}`));
    const out = new Map<string, DayCounters>();
    for (const doc of docs.values()) {
      const month = doc._id.slice(-7);
      for (const [dd, counters] of Object.entries(doc.d ?? {})) {
        const day = `${month}-${dd}`;
        if (day >= range.from && day <= range.to) out.set(day, counters);
      }
    }
    return out;
  }

  private async figures(scope: string, range: Range): Promise<ScopeFigures> {
    const days = await this.days(scope, range);
    const counters: DayCounters = {};
    for (const day of days.values()) addCounters(counters, day);
    return { counters, activeMembers: distinctActive(histograms(days), range.from, range.to) };
  }

  private async outstanding(scope: string): Promise<number> {
    const doc = (await this.repository.rollupsById([balanceId(scope)])).get(balanceId(scope));
    return doc?.b ?? 0;
  }

  /** Kept by the users repository as people join and roles change: one `_id` read, never a scan. */
  private countMembers(organizationId: string | null): Promise<number> {
    return this.users.memberCount(organizationId);
  }

  private async allOrganizations(caller: Principal) {
    const all: Array<{ id: string; name: string; timezone: string }> = [];
    let cursor: string | undefined;
    do {
      const page = await this.organizations.list(caller, 100, cursor);
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }
}

function histograms(days: Map<string, DayCounters>): Map<string, Record<string, number> | undefined> {
  return new Map([...days].map(([day, counters]) => [day, counters.h]));
}
