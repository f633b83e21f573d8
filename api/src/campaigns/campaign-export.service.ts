import { Injectable, Logger } from '@nestjs/common';
import { Readable, pipeline, type Transform } from 'node:stream';
import type { Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersService } from '../users/users.service';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { csvColumns, csvRow, csvStringifier, type ExportMember } from './csv';
import type { Campaign } from './schemas/campaign.schema';
import type { CampaignResponse } from './schemas/response.schema';

/** Rows whose members are looked up together (one users query per batch). */
const BATCH = 200;

/**
 * The CSV export, streamed: a database cursor feeds batches of rows to the CSV stringifier,
 * which the HTTP response drains, so memory holds a batch whatever the number of responses
 * (backpressure pauses the cursor while the client reads slowly).
 */
@Injectable()
export class CampaignExportService {
  private readonly logger = new Logger(CampaignExportService.name);

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly repository: CampaignsRepository,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly content: ContentService,
  ) {}

  async export(caller: Principal, id: string): Promise<{ filename: string; stream: Transform }> {
    const campaign = await this.campaigns.find(id);
    const stringifier = csvStringifier(csvColumns(campaign.questions, campaign.anonymous));
    const rows = Readable.from(this.rows(caller, campaign), { objectMode: true, highWaterMark: BATCH });
    pipeline(rows, stringifier, (error) => {
      if (error) this.logger.warn(`CSV export of campaign ${id} stopped: ${error.message}`);
    });
    return { filename: filename(campaign), stream: stringifier };
  }

  private async *rows(caller: Principal, campaign: Campaign): AsyncGenerator<Record<string, string | number>> {
    const organizationNames = new Map<string, string>();
    let batch: CampaignResponse[] = [];
    const flush = async () => {
      const members = campaign.anonymous
        ? new Map<string, ExportMember>()
        : await this.members(caller, batch, organizationNames);
      const out = batch.map((row) =>
        csvRow(row, campaign.questions, members.get(row.userId?.toHexString() ?? '') ?? null, campaign.anonymous),
      );
      batch = [];
      return out;
    };
    for await (const response of this.repository.responseCursor(campaign._id)) {
      batch.push(response);
      if (batch.length >= BATCH) yield* await flush();
    }
    if (batch.length) yield* await flush();
  }

  /** Names, emails, organizations and tiers of a batch's members: one users query. */
  private async members(
    caller: Principal,
    batch: CampaignResponse[],
    organizationNames: Map<string, string>,
  ): Promise<Map<string, ExportMember>> {
    const people = await this.users.findMany(batch.flatMap((row) => (row.userId ? [row.userId] : [])));
    const out = new Map<string, ExportMember>();
    for (const row of batch) {
      const userId = row.userId?.toHexString();
      if (!userId) continue;
      const person = people.get(userId);
      const organizationId = row.organizationId?.toHexString() ?? null;
      if (organizationId && !organizationNames.has(organizationId)) {
        const organization = await this.organizations.getVisible(caller, organizationId).catch(() => null);
        organizationNames.set(organizationId, organization?.name ?? organizationId);
      }
      out.set(userId, {
        id: userId,
        name: person?.displayName ?? '',
        email: person?.email ?? '',
        organization: organizationId ? organizationNames.get(organizationId)! : '',
        tier: this.content.tiers().find((tier) => tier.key === row.tierKey)?.name ?? row.tierKey ?? '',
      });
    }
    return out;
  }
}

function filename(campaign: Campaign): string {
  const slug = campaign.title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .toLowerCase()
    .slice(0, 40);
  return `campaign-${slug || campaign._id.toHexString()}-${new Date().toISOString().slice(0, 10)}.csv`;
}
