import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { PROXY_LIMITS, PROXY_PROVIDER_KINDS, type ProxyProviderKind } from './proxy-attributes';
import { RateMicrosField } from './proxy-pool.dto';

/** Fields create and update share, all optional. */
class ProxyProviderFields {
  @ApiPropertyOptional({ example: 'https://proxy.webshare.io', description: "The vendor API's base URL" })
  @OptionalField()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, disallow_auth: true })
  @Matches(/^[^?#]*$/, { message: 'apiUrl must not carry a query or a fragment' })
  apiUrl?: string;

  @ApiPropertyOptional({ description: 'The vendor API key; stored encrypted, never shown again' })
  @OptionalField()
  @IsString()
  @MinLength(1)
  @MaxLength(PROXY_LIMITS.credentialMaxLength)
  @Matches(/^[\x21-\x7e]+$/, { message: 'apiKey must be printable ASCII without spaces' })
  apiKey?: string;

  @RateMicrosField('Cost per hour of an imported proxy', true)
  defaultCostPerHourMicros?: number;

  @RateMicrosField('Cost per GB of an imported proxy', true)
  defaultCostPerGbMicros?: number;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 5_000_000_000,
    description:
      'Spend per UTC day that raises an alert (micro-minor units); null: PROXY_DAILY_BUDGET_MICROS',
  })
  @ValidateIf((_provider: object, value: unknown) => value !== undefined && value !== null)
  @IsInt()
  @Min(0)
  @Max(PROXY_LIMITS.maxDailyBudgetMicros)
  dailyBudgetMicros?: number | null;
}

/** Body of admin `POST /proxy/providers`. */
export class CreateProxyProviderRequest extends ProxyProviderFields {
  @ApiProperty({ example: 'webshare-main' })
  @IsString()
  @Matches(PROXY_LIMITS.providerNamePattern, {
    message: 'name must be 1–64 letters, digits, spaces, . _ - (starting with a letter or digit)',
  })
  name!: string;

  @ApiProperty({ enum: PROXY_PROVIDER_KINDS })
  @IsIn(PROXY_PROVIDER_KINDS)
  kind!: ProxyProviderKind;
}

/** Body of admin `PUT /proxy/providers/:id`. */
export class UpdateProxyProviderRequest extends ProxyProviderFields {}

export class ProxyProviderResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: PROXY_PROVIDER_KINDS })
  kind!: ProxyProviderKind;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: String, nullable: true })
  apiUrl!: string | null;

  @ApiProperty()
  hasApiKey!: boolean;

  @ApiProperty({ example: '1000000' })
  defaultCostPerHourMicros!: string;

  @ApiProperty({ example: '400000000' })
  defaultCostPerGbMicros!: string;

  @ApiProperty({ type: String, nullable: true })
  dailyBudgetMicros!: string | null;

  @ApiProperty({ minimum: 0, maximum: 100 })
  qualityScore!: number;

  @ApiProperty({ type: Number, nullable: true })
  rank!: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastImportedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** `POST /proxy/providers/:id/test`. */
export class ProxyProviderTestResponse {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty()
  latencyMs!: number;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;
}

/** `POST /proxy/providers/:id/import`. */
export class ProxyProviderImportResponse {
  @ApiProperty({ description: 'Proxies new to the pool' })
  imported!: number;

  @ApiProperty({ description: 'Proxies already known (by the vendor id), updated' })
  updated!: number;

  @ApiProperty({ description: "Vendor entries skipped: another of the provider's proxies has that endpoint" })
  skipped!: number;
}

export class ProxyProviderRankingItem {
  @ApiProperty()
  rank!: number;

  @ApiProperty({ format: 'uuid' })
  providerId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ minimum: 0, maximum: 100 })
  qualityScore!: number;

  @ApiProperty({ description: 'Share of successful probes in the scoring window (0–1)' })
  successRate!: number;

  @ApiProperty({ type: Number, nullable: true })
  averageLatencyMs!: number | null;

  @ApiProperty({ description: 'Proxies that are not retired' })
  proxies!: number;

  @ApiProperty({ example: '1000000', description: 'Average cost per hour of its proxies' })
  averageCostPerHourMicros!: string;
}

export class ProxyProviderRankingResponse {
  @ApiProperty({ type: [ProxyProviderRankingItem] })
  items!: ProxyProviderRankingItem[];
}
