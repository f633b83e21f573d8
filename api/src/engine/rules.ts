import { DateTime } from 'luxon';
import { ContentError } from '../content/content-file';
import type { RuleDto, RulesFileDto } from '../content/dto/rules-file.dto';

export type CapPeriod = 'day' | 'week' | 'month';
export const CAP_PERIODS: CapPeriod[] = ['day', 'week', 'month'];

export interface RuleSet {
  byType: Map<string, RuleDto>;
  multipliers: Record<string, number>;
  expiryMonths: number;
}

function checkMultipliers(multipliers: unknown, tierKeys: string[], where: string): Record<string, number> {
  if (multipliers === undefined) return {};
  if (!multipliers || typeof multipliers !== 'object') throw new ContentError(`${where} must map tier keys to factors`);
  for (const [tier, factor] of Object.entries(multipliers)) {
    if (!tierKeys.includes(tier)) throw new ContentError(`${where}: unknown tier "${tier}"`);
    if (typeof factor !== 'number' || factor < 1 || factor > 10) {
      throw new ContentError(`${where}.${tier} must be a number from 1 to 10`);
    }
  }
  return multipliers as Record<string, number>;
}

/** Rules beyond the DTO: one rule per type, multipliers only for tiers that exist. */
export function checkRules(file: RulesFileDto, tierKeys: string[], path: string): RuleSet {
  const byType = new Map<string, RuleDto>();
  for (const rule of file.rules) {
    if (byType.has(rule.activityType)) throw new ContentError(`${path}: two rules for ${rule.activityType}`);
    checkMultipliers(rule.tierMultipliers, tierKeys, `${path}: ${rule.activityType}.tierMultipliers`);
    if (rule.defaultValue !== undefined && rule.per !== 'value') {
      throw new ContentError(`${path}: ${rule.activityType}.defaultValue needs per: value`);
    }
    byType.set(rule.activityType, rule);
  }
  return {
    byType,
    multipliers: checkMultipliers(file.tierMultipliers, tierKeys, `${path}: tierMultipliers`),
    expiryMonths: file.expiry.months,
  };
}

/** Points before caps: per activity or per unit of value, times the member's tier factor. */
export function earnedPoints(rule: RuleDto, rules: RuleSet, tierKey: string, value: number | undefined): number {
  const units = rule.per === 'value' ? (value ?? rule.defaultValue ?? 0) : 1;
  const factor = (rule.tierMultipliers ?? rules.multipliers)[tierKey] ?? 1;
  return Math.round(rule.points * units * factor);
}

/** The cap periods an activity falls in, keyed by their start in the member's organization zone. */
export function capWindows(
  rule: RuleDto,
  occurredAt: Date,
  zone: string,
): Array<{ period: CapPeriod; key: string; cap: number }> {
  const local = DateTime.fromJSDate(occurredAt, { zone });
  return CAP_PERIODS.filter((period) => rule.caps?.[period]).map((period) => ({
    period,
    key: local.startOf(period === 'week' ? 'week' : period).toISODate()!,
    cap: rule.caps![period]!,
  }));
}

/** What may still be awarded given the points already awarded in each cap window. */
export function applyCaps(points: number, windows: Array<{ cap: number; used: number }>): number {
  return windows.reduce((allowed, { cap, used }) => Math.max(0, Math.min(allowed, cap - used)), points);
}
