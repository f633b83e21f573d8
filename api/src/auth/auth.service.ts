import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  UnauthorizedException,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isDuplicateKey } from '../common/database-errors';
import * as argon2 from 'argon2';
import { HubConfig } from '../config/hub-config';
import { OrganizationsService } from '../organizations/organizations.service';
import { ReferralsService } from '../referrals/referrals.service';
import { UsersRepository } from '../users/users.repository';
import { toUserDto } from '../users/users.service';
import { VerifiedTokens } from './verified-tokens';
import type { LoginDto, RegisterDto, SessionDto } from './dto/auth.dto';

export interface TokenClaims {
  sub: string;
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  /** Verified against when the email is unknown, so both failures take the same time. */
  private dummyHash: Promise<string> = argon2.hash('not-a-real-password');
  private readonly tokens: VerifiedTokens;

  constructor(
    private readonly users: UsersRepository,
    private readonly organizations: OrganizationsService,
    private readonly jwt: JwtService,
    private readonly config: HubConfig,
    private readonly referrals: ReferralsService,
  ) {
    this.tokens = new VerifiedTokens(jwt);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { HUB_ADMIN_EMAIL: email, HUB_ADMIN_PASSWORD: password } = this.config;
    if (!email || !password || (await this.users.anyAdminExists())) return;
    await this.createStaff(email, password, 'Program admin', ['admin']);
    this.logger.log(`Created the first admin, ${email}`);
  }

  async register(input: RegisterDto): Promise<SessionDto> {
    const target = await this.organizations.resolveInviteCode(input.inviteCode);
    if (!target) throw new BadRequestException('inviteCode is not valid');
    if (await this.users.findByEmail(input.email)) throw new ConflictException('This email is already registered');
    // An unknown referral code is refused (400) before anything is written.
    const referral = input.referralCode ? await this.referrals.referrerOf(input.referralCode) : null;
    const user = await this.users.create({
      email: input.email,
      passwordHash: await argon2.hash(input.password),
      displayName: input.displayName.trim(),
      roles: ['member'],
      organizationId: target.organization._id,
      teamId: target.team?._id ?? null,
      referredByCode: referral?.code ?? null,
    });
    if (referral) await this.referrals.recordSignup(user, referral);
    return this.session(user);
  }

  async login(input: LoginDto): Promise<SessionDto> {
    const user = await this.users.findByEmail(input.email);
    const valid = await argon2.verify(user?.passwordHash ?? (await this.dummyHash), input.password);
    if (!user || !valid) throw new UnauthorizedException('Wrong email or password');
    return this.session(user);
  }

  verify(token: string): TokenClaims | null {
    return this.tokens.verify(token);
  }

  /** Creates a staff account (or returns the existing one); used by the admin bootstrap and demo data. */
  /** Creates a staff account unless one has this email; safe when several instances start at once. */
  async createStaff(email: string, password: string, displayName: string, roles: ('admin' | 'manager' | 'product')[]) {
    const existing = await this.users.findByEmail(email);
    if (existing) return existing;
    const passwordHash = await argon2.hash(password);
    try {
      return await this.users.create({ email, passwordHash, displayName, roles, organizationId: null, teamId: null });
    } catch (error) {
      // Another instance starting at the same moment created it first (unique email).
      if (!isDuplicateKey(error)) throw error;
      return (await this.users.findByEmail(email))!;
    }
  }

  hashPassword(password: string): Promise<string> {
    return argon2.hash(password);
  }

  private session(user: Parameters<typeof toUserDto>[0]): SessionDto {
    const ttl = this.config.JWT_TTL_SECONDS;
    const accessToken = this.jwt.sign({ sub: user._id.toHexString() } satisfies TokenClaims, { expiresIn: ttl });
    return { accessToken, expiresAt: new Date(Date.now() + ttl * 1000).toISOString(), user: toUserDto(user) };
  }
}
