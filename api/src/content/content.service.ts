import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, Matches, validateSync } from 'class-validator';
import { join } from 'node:path';
import { flattenValidationErrors } from '../common/validation';
import { HubConfig } from '../config/hub-config';
import { Criteria, parseCriteria } from '../engine/badge-criteria';
import { checkRules, RuleSet } from '../engine/rules';
import { ContentError, loadContentFile, loadYaml } from './content-file';
import { CourseDefinition, loadCourses } from './courses';
import { RulesFileDto, TipsFileDto } from './dto/rules-file.dto';
import { TierDto, TiersFileDto } from './dto/tiers-file.dto';
import { checkTiers, tierFor } from './tiers';

class BadgeFileEntry {
  @IsString() @Matches(/^[a-z][a-z0-9-]{0,47}$/) key: string;
  @IsString() @Length(1, 60) name: string;
  @IsString() @Length(1, 300) description: string;
  @IsOptional() @IsString() @Length(1, 16) icon?: string;
  @IsObject() criteria: object;
}

export interface BadgeDefinition {
  key: string;
  name: string;
  description: string;
  icon: string;
  criteria: Criteria;
}

/**
 * Loads and validates content/ at start-up; a broken file stops the hub with the file's name
 * and the reason, rather than surfacing as odd behaviour later.
 */
@Injectable()
export class ContentService implements OnModuleInit {
  private readonly logger = new Logger(ContentService.name);
  private tierList: TierDto[] = [];
  private tiersFile: TiersFileDto;
  private ruleSet: RuleSet;
  private badgeList: BadgeDefinition[] = [];
  private tipList: string[] = [];
  private courseList: CourseDefinition[] = [];

  constructor(private readonly config: HubConfig) {}

  onModuleInit(): void {
    const dir = this.config.HUB_CONTENT_DIR;
    const tiersPath = join(dir, 'tiers.yaml');
    this.tiersFile = loadContentFile(tiersPath, TiersFileDto);
    this.tierList = checkTiers(this.tiersFile, tiersPath);

    const rulesPath = join(dir, 'rules.yaml');
    this.ruleSet = checkRules(
      loadContentFile(rulesPath, RulesFileDto),
      this.tierList.map((t) => t.key),
      rulesPath,
    );
    this.badgeList = this.loadBadges(join(dir, 'badges.yaml'));
    this.tipList = loadContentFile(join(dir, 'tips.yaml'), TipsFileDto).tips;
    this.courseList = loadCourses(
      join(dir, 'courses'),
      this.tierList.map((t) => t.key),
      this.ruleSet,
    );
    this.logger.log(
      `Content: ${this.tierList.length} tiers, ${this.ruleSet.byType.size} rules, ${this.badgeList.length} badges, ${this.tipList.length} tips, ${this.courseList.length} courses`,
    );
  }

  private loadBadges(path: string): BadgeDefinition[] {
    const file = (loadYaml(path) ?? {}) as { badges?: unknown };
    if (!Array.isArray(file.badges)) throw new ContentError(`${path}: badges must be a list`);
    const keys = new Set<string>();
    return file.badges.map((raw, index) => {
      const entry = plainToInstance(BadgeFileEntry, raw);
      const errors = validateSync(entry, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length)
        throw new ContentError(`${path}: badge ${index + 1}: ${flattenValidationErrors(errors).join('; ')}`);
      if (keys.has(entry.key)) throw new ContentError(`${path}: badge key ${entry.key} repeats`);
      keys.add(entry.key);
      const criteria = parseCriteria(entry.criteria, `${path}: ${entry.key}.criteria`);
      return { key: entry.key, name: entry.name, description: entry.description, icon: entry.icon ?? '🏅', criteria };
    });
  }

  tiers(): TierDto[] {
    return this.tierList;
  }

  tier(key: string): TierDto {
    return this.tierList.find((t) => t.key === key) ?? this.tierList[0];
  }

  tierRank(key: string): number {
    return Math.max(
      0,
      this.tierList.findIndex((t) => t.key === key),
    );
  }

  qualificationWindowMonths(): number {
    return this.tiersFile.qualificationWindow.months;
  }

  downgradeGraceDays(): number {
    return this.tiersFile.downgradeGraceDays;
  }

  tierFor(qualifying: number) {
    return tierFor(this.tierList, qualifying);
  }

  rules(): RuleSet {
    return this.ruleSet;
  }

  badges(): BadgeDefinition[] {
    return this.badgeList;
  }

  /** The courses of content/courses/, in catalog order (lessons rendered, quizzes with their answer keys). */
  courses(): CourseDefinition[] {
    return this.courseList;
  }

  /** A tip for an award message; rotates so members see different ones. */
  tip(seed: number): string | undefined {
    return this.tipList.length ? this.tipList[Math.abs(seed) % this.tipList.length] : undefined;
  }
}
