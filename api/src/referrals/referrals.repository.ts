import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { insertOnce } from '../common/database-errors';
import { AtomicWrites } from '../database/atomic-writes';
import { Referral, ReferralCode, Referrer } from './schemas/referral.schema';

/** The only place that touches referral codes, referrers and referrals. */
@Injectable()
export class ReferralsRepository {
  constructor(
    @InjectModel(ReferralCode.name) private readonly codes: Model<ReferralCode>,
    @InjectModel(Referrer.name) private readonly referrers: Model<Referrer>,
    @InjectModel(Referral.name) private readonly referrals: Model<Referral>,
    private readonly atomic: AtomicWrites,
  ) {}

  async codeOf(userId: Types.ObjectId): Promise<string | null> {
    return (await this.referrers.findById(userId).lean<Referrer>().exec())?.code ?? null;
  }

  /** Reserves a code for a member; false when another member has it. */
  reserveCode(code: string, userId: Types.ObjectId): Promise<boolean> {
    return insertOnce(() => this.codes.create({ _id: code, userId }));
  }

  /** Makes `code` the member's, only while they have none; the code they have after. */
  async setCode(userId: Types.ObjectId, code: string): Promise<string> {
    const result = await this.atomic.updateOne(
      this.referrers,
      { _id: userId, code: null },
      { $set: { code } },
      { upsert: true, returnDocument: 'after' },
    );
    return result.doc?.code ?? code;
  }

  /** Frees a reserved code that lost the race to become its member's. */
  async dropCode(code: string, userId: Types.ObjectId): Promise<void> {
    await this.codes.deleteOne({ _id: code, userId }).exec();
  }

  async ownerOf(code: string): Promise<Types.ObjectId | null> {
    return (await this.codes.findById(code).lean<ReferralCode>().exec())?.userId ?? null;
  }

  /** Records who referred a new member; false when one was recorded before. */
  recordReferral(referral: Omit<Referral, 'convertedAt' | 'points' | 'status'>): Promise<boolean> {
    return insertOnce(() => this.referrals.create({ ...referral, status: 'joined', convertedAt: null, points: 0 }));
  }

  find(refereeId: Types.ObjectId): Promise<Referral | null> {
    return this.referrals.findById(refereeId).lean<Referral>().exec();
  }

  /** `joined` → `converted`, once. */
  async markConverted(refereeId: Types.ObjectId, points: number): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.referrals,
      { _id: refereeId, status: 'joined' },
      { $set: { status: 'converted', convertedAt: new Date(), points } },
    );
    return result.changed;
  }

  listFor(referrerId: Types.ObjectId, limit: number): Promise<Referral[]> {
    return this.referrals.find({ referrerId }).sort({ _id: -1 }).limit(limit).lean<Referral[]>().exec();
  }

  countConverted(referrerId: Types.ObjectId): Promise<number> {
    return this.referrals.countDocuments({ referrerId, status: 'converted' }).exec();
  }
}
