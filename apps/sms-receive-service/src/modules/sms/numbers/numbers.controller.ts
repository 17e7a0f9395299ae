import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  IdParams,
  RentNumberRequest,
  RentNumbersBatchRequest,
  RentNumbersBatchResponse,
  SMS_RECEIVE_ROUTES,
  SmsCodeResponse,
  SmsMessagesResponse,
  SmsNumberResponse,
  WaitForCodeQuery,
} from '@cloudphone/contracts';
import {
  AllowServiceTokens,
  ApiCommonErrors,
  ApiErrorResponses,
  ApiKeyScope,
  ApiListQuery,
  ApiPaginatedResponse,
  CurrentPrincipal,
  type ListQuery,
  ListQueryParam,
  type Page,
  type Principal,
} from '@cloudphone/shared';
import { NUMBERS_LIST_QUERY } from './numbers.list-query';
import { NumbersService } from './numbers.service';

@ApiCommonErrors()
@ApiTags('sms numbers')
@ApiBearerAuth()
@AllowServiceTokens()
@ApiKeyScope('sms')
@Controller()
export class NumbersController {
  constructor(private readonly numbers: NumbersService) {}

  @Get(SMS_RECEIVE_ROUTES.numbers)
  @ApiOperation({ summary: "Numbers, newest first (a user's own; an admin or a service anyone's)" })
  @ApiListQuery(NUMBERS_LIST_QUERY)
  @ApiPaginatedResponse(SmsNumberResponse)
  list(
    @CurrentPrincipal() principal: Principal,
    @ListQueryParam(NUMBERS_LIST_QUERY) query: ListQuery,
  ): Promise<Page<SmsNumberResponse>> {
    return this.numbers.list(query, principal);
  }

  @Post(SMS_RECEIVE_ROUTES.numbers)
  @ApiOperation({
    summary:
      'Rent a number for a service and country; charged only when a code arrives. 409 NO_NUMBER_AVAILABLE',
  })
  @ApiCreatedResponse({ type: SmsNumberResponse })
  @ApiErrorResponses({ 404: ['ALLOCATION_NOT_FOUND'], 409: ['ALLOCATION_NOT_ACTIVE', 'NO_NUMBER_AVAILABLE'] })
  rent(
    @CurrentPrincipal() principal: Principal,
    @Body() request: RentNumberRequest,
  ): Promise<SmsNumberResponse> {
    return this.numbers.rent(request, principal);
  }

  @Post(SMS_RECEIVE_ROUTES.numbersBatch)
  @HttpCode(200)
  @ApiOkResponse({ type: RentNumbersBatchResponse })
  @ApiErrorResponses({ 404: ['ALLOCATION_NOT_FOUND'], 409: ['ALLOCATION_NOT_ACTIVE', 'NO_NUMBER_AVAILABLE'] })
  rentBatch(
    @CurrentPrincipal() principal: Principal,
    @Body() request: RentNumbersBatchRequest,
  ): Promise<RentNumbersBatchResponse> {
    return this.numbers.rentBatch(request.items, principal);
  }

  @Get(SMS_RECEIVE_ROUTES.number)
  @ApiOkResponse({ type: SmsNumberResponse })
  @ApiErrorResponses({ 404: ['SMS_NUMBER_NOT_FOUND'] })
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<SmsNumberResponse> {
    return this.numbers.get(params.id, principal);
  }

  @Delete(SMS_RECEIVE_ROUTES.number)
  @ApiOperation({ summary: 'Cancel the number (as POST …/cancel)' })
  @ApiOkResponse({ type: SmsNumberResponse })
  @ApiErrorResponses({ 404: ['SMS_NUMBER_NOT_FOUND'], 409: ['SMS_NUMBER_ENDED', 'SMS_NUMBER_HAS_CODE'] })
  remove(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<SmsNumberResponse> {
    return this.numbers.cancel(params.id, principal);
  }

  @Post(SMS_RECEIVE_ROUTES.numberCancel)
  @HttpCode(200)
  @ApiOperation({ summary: 'Give an unused number back: never charged. 409 SMS_NUMBER_HAS_CODE' })
  @ApiOkResponse({ type: SmsNumberResponse })
  @ApiErrorResponses({ 404: ['SMS_NUMBER_NOT_FOUND'], 409: ['SMS_NUMBER_ENDED', 'SMS_NUMBER_HAS_CODE'] })
  cancel(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<SmsNumberResponse> {
    return this.numbers.cancel(params.id, principal);
  }

  @Post(SMS_RECEIVE_ROUTES.numberFinish)
  @HttpCode(200)
  @ApiOperation({ summary: 'Done with a number that got its code. 409 SMS_NUMBER_NO_CODE' })
  @ApiOkResponse({ type: SmsNumberResponse })
  @ApiErrorResponses({ 404: ['SMS_NUMBER_NOT_FOUND'], 409: ['SMS_NUMBER_ENDED', 'SMS_NUMBER_NO_CODE'] })
  finish(@CurrentPrincipal() principal: Principal, @Param() params: IdParams): Promise<SmsNumberResponse> {
    return this.numbers.finish(params.id, principal);
  }

  @Get(SMS_RECEIVE_ROUTES.numberMessages)
  @ApiOkResponse({ type: SmsMessagesResponse })
  @ApiErrorResponses({ 404: ['SMS_NUMBER_NOT_FOUND'] })
  messages(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParams,
  ): Promise<SmsMessagesResponse> {
    return this.numbers.messagesOf(params.id, principal);
  }

  @Get(SMS_RECEIVE_ROUTES.numberCode)
  @ApiOperation({ summary: 'The code; waits up to waitSeconds (0–30) for it to arrive (long poll)' })
  @ApiOkResponse({ type: SmsCodeResponse })
  @ApiErrorResponses({ 404: ['SMS_NUMBER_NOT_FOUND'] })
  code(
    @CurrentPrincipal() principal: Principal,
    @Param() params: IdParams,
    @Query() query: WaitForCodeQuery,
  ): Promise<SmsCodeResponse> {
    return this.numbers.code(params.id, query.waitSeconds ?? 0, principal);
  }
}
