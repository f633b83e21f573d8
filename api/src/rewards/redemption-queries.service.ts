import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { Types } from 'mongoose';
import type { Principal } from '../common/roles';
import { UsersService } from '../users/users.service';
import {
  decodeCursor,
  mapRedemption,
  nextCursorOf,
  RedemptionCsvQueryDto,
  RedemptionDto,
  RedemptionListDto,
  RedemptionQueryDto,
} from './dto/redemption.dto';
import { RedemptionsRepository } from './redemptions.repository';
import type { Redemption, RedemptionState } from './schemas/redemption.schema';

const CSV_LIMIT = 10_000;

/** A cell a spreadsheet would run as a formula is made text (RFC 4180 export, as campaigns do). */
const safeCell = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** Lists of redemptions: a member's own, the admin's fulfilment queue and its CSV export. */
@Injectable()
export class RedemptionQueriesService {
  constructor(
    private readonly redemptions: RedemptionsRepository,
    private readonly users: UsersService,
  ) {}

  async mine(caller: Principal, limit = 20, cursor?: string): Promise<RedemptionListDto> {
    const rows = await this.redemptions.listForUser(
      new Types.ObjectId(caller.id),
      limit + 1,
      cursor ? decodeCursor(cursor) : undefined,
    );
    return { items: rows.slice(0, limit).map((row) => mapRedemption(row)), nextCursor: nextCursorOf(rows, limit) };
  }

  async queue(query: RedemptionQueryDto): Promise<RedemptionListDto> {
    const limit = query.limit ?? 50;
    const rows = await this.redemptions.listQueue(
      this.filter(query),
      limit + 1,
      query.cursor ? decodeCursor(query.cursor) : undefined,
    );
    return { items: await this.withMembers(rows.slice(0, limit)), nextCursor: nextCursorOf(rows, limit) };
  }

  /** Pending redemptions (by default) for a fulfilment partner, one row each. */
  async csv(query: RedemptionCsvQueryDto): Promise<string> {
    const rows = await this.redemptions.listQueue(
      this.filter({ ...query, status: query.status ?? 'pending' }),
      CSV_LIMIT,
    );
    const items = await this.withMembers(rows);
    const header = ['redemptionId', 'createdAt', 'status', 'reward', 'kind', 'cost', 'member', 'email', 'note'];
    const body = items.map((item) => [
      item.id,
      item.createdAt,
      item.status,
      item.rewardName,
      item.rewardKind,
      String(item.cost),
      item.member?.displayName ?? '',
      item.member?.email ?? '',
      item.note ?? '',
    ]);
    return stringify([header, ...body.map((row) => row.map(safeCell))], { record_delimiter: '\r\n' });
  }

  private filter(query: Pick<RedemptionQueryDto, 'status' | 'rewardId'>) {
    const states: RedemptionState[] = query.status
      ? query.status === 'pending'
        ? ['pending', 'issuing']
        : [query.status]
      : ['pending', 'issuing', 'fulfilled', 'rejected', 'cancelled'];
    return { states, rewardId: query.rewardId ? new Types.ObjectId(query.rewardId) : undefined };
  }

  /** Admins see who redeemed; a code pool's code stays its member's alone. */
  private async withMembers(rows: Redemption[]): Promise<RedemptionDto[]> {
    const people = await this.users.findMany(rows.map((row) => row.userId));
    return rows.map((row) => {
      const person = people.get(row.userId.toHexString());
      return mapRedemption(row, {
        showCode: false,
        member: { id: row.userId.toHexString(), displayName: person?.displayName ?? '', email: person?.email ?? '' },
      });
    });
  }
}
