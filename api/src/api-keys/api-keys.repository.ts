import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { ApiKey } from './schemas/api-key.schema';

@Injectable()
export class ApiKeysRepository {
  constructor(
    @InjectModel(ApiKey.name) private readonly keys: Model<ApiKey>,
    private readonly atomic: AtomicWrites,
  ) {}

  async create(data: Pick<ApiKey, 'name' | 'prefix' | 'hash' | 'createdBy'>): Promise<ApiKey> {
    return (await this.keys.create(data)).toObject();
  }

  findActiveByHash(hash: string): Promise<ApiKey | null> {
    return this.keys.findOne({ hash, revokedAt: null }).lean<ApiKey>().exec();
  }

  /** Keys are a handful per program; the list is bounded rather than paginated. */
  listActive(): Promise<ApiKey[]> {
    return this.keys.find({ revokedAt: null }).sort({ _id: -1 }).limit(200).lean<ApiKey[]>().exec();
  }

  /** Revokes a key once; false when it was revoked already (or does not exist). */
  async revoke(id: Types.ObjectId): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.keys,
      { _id: id, revokedAt: null },
      { $set: { revokedAt: new Date() } },
    );
    return result.changed;
  }
}
