import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, Public, Roles } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { CertificatesService } from './certificates.service';
import {
  CertificateQueryDto,
  IssuerProfileDto,
  JwksDto,
  MyCertificateListDto,
  PublicCertificateDto,
  RevocationListDto,
  RevokeCertificateDto,
  StaffCertificateListDto,
} from './dto/certificate.dto';

/** The media type of a VC-JWT (VC-JOSE-COSE). */
const VC_JWT = 'application/vc+jwt';

@ApiTags('learn')
@Controller()
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get('me/certificates')
  @ApiBearerAuth()
  @ApiOkResponse({ type: MyCertificateListDto })
  async mine(@CurrentUser() caller: Principal): Promise<MyCertificateListDto> {
    return { items: await this.certificates.mine(caller) };
  }

  @Get('certificates')
  @Roles('manager')
  @ApiOkResponse({ type: StaffCertificateListDto, description: 'Issued certificates, newest first (staff).' })
  list(@CurrentUser() caller: Principal, @Query() query: CertificateQueryDto): Promise<StaffCertificateListDto> {
    return this.certificates.list(caller, query);
  }

  @Get('certificates/:id')
  @Public()
  @ApiOkResponse({ type: PublicCertificateDto, description: 'Public: the verify page. 404 for an unknown id.' })
  view(@Param('id') id: string): Promise<PublicCertificateDto> {
    return this.certificates.view(id);
  }

  @Get('certificates/:id/credential')
  @Public()
  @ApiProduces(VC_JWT)
  @ApiOkResponse({
    description:
      'The certificate as an Open Badges 3.0 OpenBadgeCredential signed as a VC-JWT (compact JWS); verify it against the keys of GET /api/issuer.',
    content: { [VC_JWT]: { schema: { type: 'string' } } },
  })
  async credential(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const jwt = await this.certificates.credential(id);
    // Set here, not with @Header: an error (404) still answers JSON.
    void reply.header('content-type', VC_JWT).header('cache-control', 'no-store');
    return jwt;
  }

  @Get('certificates/:id/status')
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ type: RevocationListDto, description: 'The credential’s credentialStatus: revoked or not.' })
  status(@Param('id') id: string): Promise<RevocationListDto> {
    return this.certificates.status(id);
  }

  @Post('certificates/:id/revoke')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: PublicCertificateDto, description: 'valid: false from now on; 409 when revoked already.' })
  revoke(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: RevokeCertificateDto,
  ): Promise<PublicCertificateDto> {
    return this.certificates.revoke(caller, id, body.reason);
  }

  @Get('issuer')
  @Public()
  @ApiOkResponse({ type: IssuerProfileDto, description: 'The issuer profile with its public keys (JWKS).' })
  issuer(): IssuerProfileDto {
    return this.certificates.issuerProfile();
  }

  @Get('issuer/jwks')
  @Public()
  @ApiOkResponse({ type: JwksDto, description: 'The issuer’s public keys alone (JWKS).' })
  jwks(): JwksDto {
    return this.certificates.jwks();
  }
}
