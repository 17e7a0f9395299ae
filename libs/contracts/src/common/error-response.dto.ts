import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The body of every error answer, whatever the service or route (the global exception filter in
 * libs/shared/src/errors writes it). Clients branch on `code`, never on `message`.
 */
export class ErrorResponse {
  @ApiProperty({
    description: "Stable machine-readable code; each route's response lists the codes it can answer",
    example: 'VALIDATION_FAILED',
  })
  code!: string;

  @ApiProperty({ description: 'For humans; may change between versions' })
  message!: string;

  @ApiPropertyOptional({
    description: 'Structured detail, e.g. one entry per refused field',
    oneOf: [
      { type: 'object', additionalProperties: true },
      { type: 'array', items: { type: 'object', additionalProperties: true } },
    ],
  })
  details?: Record<string, unknown> | Array<Record<string, unknown>>;

  @ApiProperty({ description: 'The X-Request-Id of the request, also on every log line it wrote' })
  requestId!: string;
}
