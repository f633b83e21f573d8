import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { SLUG_PATTERN } from '../../content/dto/course-file.dto';
import { PageLimit } from '../../common/validators';
import { certificateStatus, type CertificateStatus, type IssuerContext, urls } from '../credential';
import type { Certificate } from '../schemas/certificate.schema';
import type { CourseCertificateDto } from './course.dto';

const STATUSES: CertificateStatus[] = ['valid', 'revoked', 'expired'];

export class MyCertificateDto {
  @ApiProperty() id: string;
  @ApiProperty() courseSlug: string;
  @ApiProperty() courseTitle: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty() valid: boolean;
  @ApiProperty({ enum: STATUSES }) status: CertificateStatus;
  @ApiPropertyOptional() revokedReason?: string;
  @ApiProperty({ description: 'The public verify page' }) verifyUrl: string;
  @ApiProperty({ description: 'The signed Open Badges 3.0 credential (VC-JWT)' }) credentialUrl: string;
}

export class MyCertificateListDto {
  @ApiProperty({ type: [MyCertificateDto] }) items: MyCertificateDto[];
}

export class IssuerRefDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() url: string;
}

/** What anyone holding the link may see: no email, no database ids. */
export class PublicCertificateDto {
  @ApiProperty() id: string;
  @ApiProperty() holderName: string;
  @ApiProperty() courseTitle: string;
  @ApiProperty() courseSlug: string;
  @ApiProperty() courseSummary: string;
  @ApiProperty({ description: 'What earning it took' }) criteria: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiPropertyOptional({ format: 'date-time' }) expiresAt?: string;
  @ApiProperty({ description: 'Not revoked and not expired' }) valid: boolean;
  @ApiProperty({ enum: STATUSES }) status: CertificateStatus;
  @ApiPropertyOptional() revokedReason?: string;
  @ApiPropertyOptional({ format: 'date-time' }) revokedAt?: string;
  @ApiProperty({ type: IssuerRefDto }) issuer: IssuerRefDto;
  @ApiProperty() verifyUrl: string;
  @ApiProperty() credentialUrl: string;
}

/** The staff list: the public view plus who and where. */
export class StaffCertificateDto extends PublicCertificateDto {
  @ApiProperty() userId: string;
  @ApiProperty({ type: String, nullable: true }) organizationId: string | null;
}

export class StaffCertificateListDto {
  @ApiProperty({ type: [StaffCertificateDto] }) items: StaffCertificateDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class CertificateQueryDto {
  @ApiPropertyOptional({ description: 'Only this course' })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'courseSlug must be a course slug' })
  courseSlug?: string;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a nextCursor returned by this list' })
  cursor?: string;

  @PageLimit(50)
  limit?: number;
}

export class RevokeCertificateDto {
  @ApiProperty({ maxLength: 500, example: 'Issued by mistake: the quiz was taken by a colleague.' })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class RevocationListDto {
  @ApiProperty() id: string;
  @ApiProperty() issuer: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } })
  revokedCredentials: Array<{ id: string; revocationReason: string }>;
}

export class JwksDto {
  @ApiProperty({ type: 'array', items: { type: 'object' } }) keys: object[];
}

export class IssuerProfileDto {
  @ApiProperty({ name: '@context', type: [String] }) '@context': string[];
  @ApiProperty() id: string;
  @ApiProperty({ type: [String] }) type: string[];
  @ApiProperty() name: string;
  @ApiProperty() url: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: () => JwksDto, description: 'The public keys credentials are signed with (JWKS)' })
  jwks: JwksDto;
  @ApiProperty() jwksUri: string;
}

export function mapMyCertificate(certificate: Certificate, ctx: IssuerContext): MyCertificateDto {
  const status = certificateStatus(certificate);
  const at = urls(ctx, certificate._id);
  return {
    id: certificate._id,
    courseSlug: certificate.courseSlug,
    courseTitle: certificate.courseTitle,
    issuedAt: certificate.issuedAt.toISOString(),
    expiresAt: certificate.expiresAt?.toISOString() ?? null,
    valid: status === 'valid',
    status,
    ...(certificate.revokedReason ? { revokedReason: certificate.revokedReason } : {}),
    verifyUrl: at.verify,
    credentialUrl: at.credentialJwt,
  };
}

export function mapCourseCertificate(certificate: Certificate, ctx: IssuerContext): CourseCertificateDto {
  const status = certificateStatus(certificate);
  return {
    id: certificate._id,
    issuedAt: certificate.issuedAt.toISOString(),
    expiresAt: certificate.expiresAt?.toISOString() ?? null,
    valid: status === 'valid',
    status,
    verifyUrl: urls(ctx, certificate._id).verify,
  };
}

export function mapPublicCertificate(certificate: Certificate, ctx: IssuerContext): PublicCertificateDto {
  const status = certificateStatus(certificate);
  const at = urls(ctx, certificate._id);
  return {
    id: certificate._id,
    holderName: certificate.holderName,
    courseTitle: certificate.courseTitle,
    courseSlug: certificate.courseSlug,
    courseSummary: certificate.courseSummary,
    criteria: certificate.criteria,
    issuedAt: certificate.issuedAt.toISOString(),
    ...(certificate.expiresAt ? { expiresAt: certificate.expiresAt.toISOString() } : {}),
    valid: status === 'valid',
    status,
    ...(certificate.revokedAt
      ? { revokedReason: certificate.revokedReason ?? '', revokedAt: certificate.revokedAt.toISOString() }
      : {}),
    issuer: { id: at.issuer, name: ctx.name, url: at.site },
    verifyUrl: at.verify,
    credentialUrl: at.credentialJwt,
  };
}

export function mapStaffCertificate(certificate: Certificate, ctx: IssuerContext): StaffCertificateDto {
  return {
    ...mapPublicCertificate(certificate, ctx),
    userId: certificate.userId.toHexString(),
    organizationId: certificate.organizationId?.toHexString() ?? null,
  };
}
