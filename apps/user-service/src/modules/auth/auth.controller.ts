import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  AcceptedResponse,
  AccountEmailRequest,
  ChangePasswordRequest,
  LoginRequest,
  LoginResponse,
  RegisterRequest,
  ResetPasswordRequest,
  USER_ROUTES,
  UserResponse,
  VerifyEmailRequest,
} from '@cloudphone/contracts';
import {
  ApiCommonErrors,
  ApiErrorResponses,
  CurrentPrincipal,
  type Principal,
  Public,
  RateLimit,
} from '@cloudphone/shared';
import { CurrentOrigin, type RequestOrigin } from '../audit';
import { ACCOUNT_RATE_LIMITS as LIMITS } from './account-rate-limits';
import { AuthService } from './auth.service';
import { PasswordService } from './password.service';
import { RegistrationService } from './registration.service';

@ApiCommonErrors()
@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly registration: RegistrationService,
    private readonly passwords: PasswordService,
  ) {}

  @Post(USER_ROUTES.login)
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email or username and password; 401, 403, 429 ACCOUNT_LOCKED' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrorResponses({
    401: ['INVALID_CREDENTIALS'],
    403: ['ACCOUNT_SUSPENDED', 'EMAIL_NOT_VERIFIED'],
    429: ['ACCOUNT_LOCKED'],
  })
  login(@Body() request: LoginRequest, @CurrentOrigin() origin: RequestOrigin): Promise<LoginResponse> {
    return this.auth.login(request, origin);
  }

  @Post(USER_ROUTES.register)
  @Public()
  @RateLimit(LIMITS.registerPerIp)
  @RateLimit(LIMITS.registerPerEmail)
  @ApiOperation({ summary: 'Sign up; the account is pending until the emailed token is redeemed' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrorResponses({ 409: ['EMAIL_TAKEN', 'USERNAME_TAKEN'] })
  register(@Body() request: RegisterRequest, @CurrentOrigin() origin: RequestOrigin): Promise<UserResponse> {
    return this.registration.register(request, origin);
  }

  @Post(USER_ROUTES.verifyEmail)
  @Public()
  @HttpCode(200)
  @RateLimit(LIMITS.tokenPerIp)
  @ApiOperation({ summary: 'Redeem the emailed verification token; 400 TOKEN_INVALID' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrorResponses({ 400: ['TOKEN_INVALID'] })
  verifyEmail(
    @Body() request: VerifyEmailRequest,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<UserResponse> {
    return this.registration.verify(request.token, origin);
  }

  @Post(USER_ROUTES.resendVerification)
  @Public()
  @HttpCode(202)
  @RateLimit(LIMITS.mailPerIp)
  @RateLimit(LIMITS.mailPerEmail)
  @ApiOperation({ summary: 'Email a new verification token to a pending account (always 202)' })
  @ApiAcceptedResponse({ type: AcceptedResponse })
  resendVerification(@Body() request: AccountEmailRequest): Promise<AcceptedResponse> {
    return this.registration.resend(request.email);
  }

  @Post(USER_ROUTES.forgotPassword)
  @Public()
  @HttpCode(202)
  @RateLimit(LIMITS.mailPerIp)
  @RateLimit(LIMITS.mailPerEmail)
  @ApiOperation({ summary: 'Email a password-reset token (always 202)' })
  @ApiAcceptedResponse({ type: AcceptedResponse })
  forgotPassword(
    @Body() request: AccountEmailRequest,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<AcceptedResponse> {
    return this.passwords.forgot(request.email, origin);
  }

  @Post(USER_ROUTES.resetPassword)
  @Public()
  @HttpCode(204)
  @RateLimit(LIMITS.tokenPerIp)
  @ApiOperation({ summary: 'Set a new password with the emailed token; 400 TOKEN_INVALID' })
  @ApiNoContentResponse()
  @ApiErrorResponses({ 400: ['TOKEN_INVALID'] })
  resetPassword(
    @Body() request: ResetPasswordRequest,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<void> {
    return this.passwords.reset(request, origin);
  }

  @Post(USER_ROUTES.changePassword)
  @ApiBearerAuth()
  @HttpCode(204)
  @ApiOperation({ summary: "Change the caller's password; 403 INVALID_CURRENT_PASSWORD" })
  @ApiNoContentResponse()
  @ApiErrorResponses({ 403: ['INVALID_CURRENT_PASSWORD'], 429: ['ACCOUNT_LOCKED'] })
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() request: ChangePasswordRequest,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<void> {
    return this.passwords.change(principal, request, origin);
  }
}
