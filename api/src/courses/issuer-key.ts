import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint, type JWK, SignJWT } from 'jose';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubConfig } from '../config/hub-config';

export type SigningAlgorithm = 'EdDSA' | 'ES256';

export interface IssuerKey {
  privateKey: KeyObject;
  alg: SigningAlgorithm;
  /** The public key as a JWK with `kid` (its RFC 7638 thumbprint), `alg` and `use`. */
  publicJwk: JWK;
  /** Where it came from, for the start-up log. */
  source: string;
}

export class IssuerKeyError extends Error {}

/** The file a generated key is kept in, beside the embedded database. */
export const GENERATED_KEY_FILE = 'issuer-key.pem';

/**
 * The certificate signing key: ISSUER_KEY_FILE when configured (every instance of a deployment
 * must sign with the same key); otherwise an Ed25519 key made on first start and kept in the data
 * directory. Two processes starting at once on one data directory end up with the same key: each
 * writes its key whole to a file of its own and then links it into place, which succeeds for one
 * only, so the loser reads the winner's complete file (an exclusive create followed by the write
 * once let it read the file still empty).
 */
export async function resolveIssuerKey(configuredFile: string | undefined, dataDir: string): Promise<IssuerKey> {
  if (configuredFile) return fromPem(readKeyFile(configuredFile), `ISSUER_KEY_FILE ${configuredFile}`);
  const path = join(dataDir, GENERATED_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const own = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(own, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(own, path);
    return fromPem(readKeyFile(path), `${path} (made now)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fromPem(readKeyFile(path), path);
  } finally {
    rmSync(own, { force: true });
  }
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new IssuerKeyError(`Issuer key ${path}: cannot read it (${(error as Error).message})`);
  }
}

async function fromPem(pem: string, source: string): Promise<IssuerKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new IssuerKeyError(`${source}: not a PKCS#8 PEM private key (${(error as Error).message})`);
  }
  const alg = algorithmOf(privateKey);
  if (!alg) {
    throw new IssuerKeyError(`${source}: the key must be Ed25519 (EdDSA) or P-256 (ES256)`);
  }
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, alg, publicJwk: { ...jwk, kid, alg, use: 'sig' }, source };
}

function algorithmOf(key: KeyObject): SigningAlgorithm | null {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return null;
}

/** Signs credentials as VC-JWTs with the issuer key, loaded once at start-up (a bad key stops the hub). */
@Injectable()
export class IssuerKeys implements OnModuleInit {
  private readonly logger = new Logger(IssuerKeys.name);
  private key: IssuerKey;

  constructor(private readonly config: HubConfig) {}

  async onModuleInit(): Promise<void> {
    this.key = await resolveIssuerKey(this.config.ISSUER_KEY_FILE, this.config.HUB_DATA_DIR);
    this.logger.log(
      `Certificates are signed with ${this.key.alg} key ${this.key.publicJwk.kid} from ${this.key.source}`,
    );
  }

  /** The public keys verifiers check signatures against. */
  publicKeys(): JWK[] {
    return [this.key.publicJwk];
  }

  /** A compact JWS over `claims` (Open Badges 3.0 VC-JWT: `typ: JWT`, the key named by `kid`). */
  sign(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.key.alg, typ: 'JWT', kid: this.key.publicJwk.kid })
      .sign(this.key.privateKey);
  }
}
