import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { IsIanaZone } from '../common/validators';
import { join, resolve } from 'node:path';

/** api/src/config or api/dist/config → the repository root. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

type EnvValue = string | number | boolean | undefined;
export type RedisSource = 'url' | 'embedded' | 'none';
/** REDIS_URL=none: a deployment on MongoDB only. */
export const NO_REDIS = 'none';

const toInt = ({ value }: { value: EnvValue }) => (value === undefined || value === '' ? undefined : Number(value));
/** 1/true/yes and 0/false/no; anything else stays as written so validation names it. */
const toBool = ({ value }: { value: EnvValue }) => {
  if (typeof value !== 'string') return value;
  const word = value.toLowerCase();
  if (['1', 'true', 'yes'].includes(word)) return true;
  if (['0', 'false', 'no'].includes(word)) return false;
  return value;
};

/**
 * Every setting the hub reads from the environment. Validated once at start-up so that a bad
 * value stops the process with one clear line instead of failing later on a request.
 */
export class HubConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/.+/, { message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI?: string;

  /** The repository's data/ by default, wherever the process runs (the CLI runs in api/ under npm -w). */
  @IsString()
  @MinLength(1)
  HUB_DATA_DIR = join(REPO_ROOT, 'data');

  /**
   * The Redis that holds the leaderboards (sorted sets), the socket.io fan-out, the push gate and
   * the rate-limit counters. Unset: the hub's own redis-server (resolveRedis starts or reuses it and
   * writes its URL here). `none`: no Redis (MongoDB-only deployments); undefined after loadConfig.
   */
  @IsOptional()
  @Matches(/^(none|rediss?:\/\/.+)$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL, or none' })
  REDIS_URL?: string;

  /**
   * Where REDIS_URL comes from (set by loadConfig, never read from the environment): `url` when
   * one was given, `embedded` when it was unset, `none` for REDIS_URL=none.
   */
  @IsIn(['url', 'embedded', 'none'])
  redisSource: RedisSource = 'embedded';

  /** When unset the embedded launcher keeps a random secret in HUB_DATA_DIR (see resolveJwtSecret). */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(60 * 60 * 24 * 30)
  JWT_TTL_SECONDS = 60 * 60 * 12;

  @IsOptional()
  @IsEmail({}, { message: 'HUB_ADMIN_EMAIL must be an email address' })
  HUB_ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'HUB_ADMIN_PASSWORD must be at least 10 characters' })
  @MaxLength(200)
  HUB_ADMIN_PASSWORD?: string;

  /** Load the demo organization, teams, people and history on start (idempotent). */
  @Transform(toBool)
  @IsBoolean()
  HUB_DEMO = false;

  @IsString()
  @MinLength(1)
  HUB_CONTENT_DIR = join(REPO_ROOT, 'content');

  /** The built SvelteKit client; served at / when it exists. */
  @IsString()
  HUB_CLIENT_DIR = join(REPO_ROOT, 'client', 'build');

  @IsIanaZone()
  PROGRAM_TIMEZONE = 'UTC';

  /**
   * `leased` makes every write to one document take a lease even on our FerretDB build, whose
   * serialized writes make that unnecessary (AtomicWrites): the tests run the lease path so, as it
   * runs on a stock FerretDB. Unset: the server decides.
   */
  @IsOptional()
  @IsIn(['leased'], { message: 'HUB_WRITE_ISOLATION must be leased, or unset' })
  HUB_WRITE_ISOLATION?: 'leased';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  REGISTER_RATE_LIMIT = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  WRITE_RATE_LIMIT = 600;

  /** How often the expiry sweep and tier review run; 0 turns the schedule off (run them by hand). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  JOBS_INTERVAL_MINUTES = 360;

  /**
   * The address people reach the hub at, without a trailing slash (default http://localhost:PORT):
   * certificate verify links and the issuer and credential ids of signed certificates use it.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*[^/?#\s])?$/, {
    message: 'HUB_PUBLIC_URL must be an http(s) address without a trailing slash',
  })
  HUB_PUBLIC_URL?: string;

  /** The name certificates are issued in (the issuer profile of GET /api/issuer). */
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  ISSUER_NAME = 'Engagement Hub';

  /**
   * A PKCS#8 PEM file with the private key certificates are signed with (Ed25519 or P-256); the
   * same file on every instance. Unset: a key made on first start, kept in HUB_DATA_DIR.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  ISSUER_KEY_FILE?: string;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export class ConfigError extends Error {}

/** The environment variables: every upper-case setting (lower-case ones are derived). */
const KNOWN_KEYS = Object.keys(new HubConfig()).filter((key) => /^[A-Z][A-Z0-9_]*$/.test(key));

/** Reads the hub's settings from `env`; throws ConfigError with a one-line reason on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv, defaults: Partial<HubConfig> = {}): HubConfig {
  const picked: Record<string, unknown> = { ...defaults };
  for (const key of [
    ...KNOWN_KEYS,
    'MONGODB_URI',
    'REDIS_URL',
    'JWT_SECRET',
    'HUB_ADMIN_EMAIL',
    'HUB_ADMIN_PASSWORD',
    'HUB_PUBLIC_URL',
    'ISSUER_KEY_FILE',
  ]) {
    if (env[key] !== undefined && env[key] !== '') picked[key] = env[key];
  }
  const config = plainToInstance(HubConfig, picked);
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const reasons = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new ConfigError(`Invalid configuration: ${reasons.join('; ')}`);
  }
  if (Boolean(config.HUB_ADMIN_EMAIL) !== Boolean(config.HUB_ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration: HUB_ADMIN_EMAIL and HUB_ADMIN_PASSWORD must be set together');
  }
  config.redisSource = config.REDIS_URL === NO_REDIS ? 'none' : config.REDIS_URL ? 'url' : 'embedded';
  if (config.REDIS_URL === NO_REDIS) config.REDIS_URL = undefined;
  config.HUB_PUBLIC_URL ??= `http://localhost:${config.PORT}`;
  return config;
}
