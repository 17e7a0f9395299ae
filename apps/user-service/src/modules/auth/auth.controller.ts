import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LoginRequest, LoginResponse, USER_ROUTES } from '@cloudphone/contracts';
import { Public } from '@cloudphone/shared';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post(USER_ROUTES.login)
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email and password; 401 INVALID_CREDENTIALS' })
  @ApiOkResponse({ type: LoginResponse })
  login(@Body() request: LoginRequest): Promise<LoginResponse> {
    return this.auth.login(request);
  }
}
