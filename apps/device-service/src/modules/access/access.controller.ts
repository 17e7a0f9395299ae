import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DEVICE_ROUTES, DeviceAccessResponse } from '@cloudphone/contracts';
import {
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  CurrentPrincipal,
  type Principal,
  Public,
} from '@cloudphone/shared';
import type { Response } from 'express';
import { DeviceIdParams } from '../devices';
import { AccessErrors } from './access.errors';
import { DeviceAccess } from './device-access.service';

@ApiCommonErrors()
@ApiTags('access')
@ApiKeyScope('devices')
@Controller()
export class AccessController {
  constructor(private readonly access: DeviceAccess) {}

  @Get(DEVICE_ROUTES.deviceConnection)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "How to reach the device you hold: ADB endpoint, stream URL, token (the renter's own)",
    description: '404 ACCESS_NOT_AVAILABLE when you hold no active allocation of it',
  })
  @ApiOkResponse({ type: DeviceAccessResponse })
  @ApiErrorResponses({ 404: ['ACCESS_NOT_AVAILABLE'], 502: ['DEVICE_PROVIDER_FAILED'] })
  forDevice(
    @CurrentPrincipal() principal: Principal,
    @Param() params: DeviceIdParams,
  ): Promise<DeviceAccessResponse> {
    return this.access.forDevice(principal, params.id);
  }

  @Get(DEVICE_ROUTES.deviceStream)
  @Public()
  @ApiOperation({
    summary:
      "The device's screen stream, for the token of its active allocation (no bearer: browsers load it)",
    description: '401 ACCESS_TOKEN_INVALID once the allocation ended; 501 when the provider has no stream',
  })
  @ApiQuery({ name: 'token', required: true })
  @ApiOkResponse({
    description: "The provider's stream, in the content type it sends",
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrorResponses({
    401: ['ACCESS_TOKEN_INVALID'],
    501: ['ACCESS_STREAM_UNSUPPORTED'],
    502: ['ACCESS_STREAM_FAILED'],
  })
  async stream(
    @Param() params: DeviceIdParams,
    @Query('token') token: unknown,
    @Res() response: Response,
  ): Promise<void> {
    if (typeof token !== 'string' || token.length > 512) throw AccessErrors.invalidToken();
    const upstream = await this.access.openStream(params.id, token);
    response.status(upstream.statusCode ?? 502);
    response.setHeader('Content-Type', upstream.headers['content-type'] ?? 'application/octet-stream');
    response.setHeader('Cache-Control', 'no-store');
    upstream.pipe(response);
  }
}
