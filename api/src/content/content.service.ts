import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { HubConfig } from '../config/hub-config';
import { loadContentFile } from './content-file';
import { TierDto, TiersFileDto } from './dto/tiers-file.dto';
import { checkTiers, tierFor } from './tiers';

/**
 * Loads and validates content/ at start-up; a broken file stops the hub with the file's name
 * and the reason, rather than surfacing as odd behaviour later.
 */
@Injectable()
export class ContentService implements OnModuleInit {
  private readonly logger = new Logger(ContentService.name);
  private tierList: TierDto[] = [];
  private windowMonths = 12;

  constructor(private readonly config: HubConfig) {}

  onModuleInit(): void {
    const path = join(this.config.HUB_CONTENT_DIR, 'tiers.yaml');
    const file = loadContentFile(path, TiersFileDto);
    this.tierList = checkTiers(file, path);
    this.windowMonths = file.qualificationWindow.months;
    this.logger.log(`Loaded ${this.tierList.length} tiers from ${path}`);
  }

  tiers(): TierDto[] {
    return this.tierList;
  }

  qualificationWindowMonths(): number {
    return this.windowMonths;
  }

  tierFor(qualifying: number) {
    return tierFor(this.tierList, qualifying);
  }
}
