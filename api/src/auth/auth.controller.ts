import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Public } from '../common/auth.decorators';
import { RateLimit } from '../common/rate-limit';
import { AuthService } from './auth.service';
import { LoginDto, RegisterDto, SessionDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Public()
  @RateLimit('register')
  @ApiCreatedResponse({ type: SessionDto })
  @ApiTooManyRequestsResponse({ description: 'Too many registrations from this address' })
  register(@Body() body: RegisterDto): Promise<SessionDto> {
    return this.auth.register(body);
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @RateLimit('login')
  @ApiOkResponse({ type: SessionDto })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts for this email from this address' })
  login(@Body() body: LoginDto): Promise<SessionDto> {
    return this.auth.login(body);
  }
}
