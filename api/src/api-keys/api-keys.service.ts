import { Injectable, NotFoundException } from '@nestjs/common';
import { Types } from 'mongoose';
import { toObjectId } from '../common/pagination';
import { TtlCache } from '../common/ttl-cache';
import { generateApiKey, hashApiKey } from './api-key-secret';
import { ApiKeysRepository } from './api-keys.repository';
import type { ApiKeySummaryDto, CreatedApiKeyDto } from './dto/api-key.dto';
import type { ApiKey } from './schemas/api-key.schema';

/**
 * A CRM may send hundreds of activities a second; keys are remembered briefly so each one is not
 * a database look-up. Revoking clears this process's memory at once; other instances within
 * KEY_CACHE_MS.
 */
const KEY_CACHE_MS = 30_000;

@Injectable()
export class ApiKeysService {
  private readonly recent = new TtlCache<string, ApiKey>(KEY_CACHE_MS, 1_000);

  constructor(private readonly repository: ApiKeysRepository) {}

  async create(name: string, createdBy: string): Promise<CreatedApiKeyDto> {
    const secret = generateApiKey();
    const stored = await this.repository.create({
      name,
      prefix: secret.prefix,
      hash: secret.hash,
      createdBy: new Types.ObjectId(createdBy),
    });
    return { id: stored._id.toHexString(), name: stored.name, key: secret.key };
  }

  async list(): Promise<ApiKeySummaryDto[]> {
    return (await this.repository.listActive()).map((key) => ({
      id: key._id.toHexString(),
      name: key.name,
      prefix: key.prefix,
      createdAt: key.createdAt.toISOString(),
    }));
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.repository.revoke(toObjectId(id)))) throw new NotFoundException('API key not found');
    this.recent.clear();
  }

  /** The active key matching what a request presented, or null. */
  async authenticate(presented: string): Promise<ApiKey | null> {
    const hash = hashApiKey(presented);
    return this.recent.getOrLoad(hash, () => this.repository.findActiveByHash(hash));
  }
}
