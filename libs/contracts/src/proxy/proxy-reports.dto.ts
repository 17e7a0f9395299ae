import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';
import {
  PROXY_ALERT_KINDS,
  PROXY_ALERT_STATUSES,
  PROXY_POOL_STATES,
  PROXY_TYPES,
  type ProxyAlertKind,
  type ProxyAlertStatus,
  type ProxyPoolState,
  type ProxyType,
} from './proxy-attributes';

/** One country and type on offer: how many proxies and the renter's price range. */
export class ProxyOfferItem {
  @ApiProperty({ example: 'US' })
  countryCode!: string;

  @ApiProperty({ enum: PROXY_TYPES })
  type!: ProxyType;

  @ApiProperty({ description: 'Proxies free now (available) or in the pool (pricing)' })
  count!: number;

  @ApiProperty({ example: '1300000' })
  minPricePerHourMicros!: string;

  @ApiProperty({ example: '2600000' })
  maxPricePerHourMicros!: string;

  @ApiProperty({ example: '520000000' })
  minPricePerGbMicros!: string;

  @ApiProperty({ example: '520000000' })
  maxPricePerGbMicros!: string;

  @ApiProperty({ example: 'USD' })
  currency!: string;
}

export class ProxyOffersResponse {
  @ApiProperty({ type: [ProxyOfferItem] })
  items!: ProxyOfferItem[];
}

export class ProxyPoolStateCount {
  @ApiProperty({ enum: PROXY_POOL_STATES })
  state!: ProxyPoolState;

  @ApiProperty()
  count!: number;
}

export class ProxyPoolStatsResponse {
  @ApiProperty({ type: [ProxyPoolStateCount] })
  items!: ProxyPoolStateCount[];

  @ApiProperty()
  total!: number;

  @ApiProperty({ description: 'Live rentals' })
  activeRentals!: number;
}

export class ProxyQualityBand {
  @ApiProperty({ example: 80 })
  from!: number;

  @ApiProperty({ example: 100 })
  to!: number;

  @ApiProperty()
  count!: number;
}

export class ProxyQualityDistributionResponse {
  @ApiProperty({ type: [ProxyQualityBand], description: 'Proxies that are not retired, per score band' })
  bands!: ProxyQualityBand[];
}

export class ProxyCostStatsItem {
  @ApiProperty()
  provider!: string;

  @ApiProperty({ example: '1200000000', description: 'Spend so far this UTC day (micro-minor units)' })
  todayMicros!: string;

  @ApiProperty({ example: '8400000000', description: 'Spend over the last 7 UTC days, today included' })
  last7DaysMicros!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The daily budget in force, if any' })
  dailyBudgetMicros!: string | null;

  @ApiProperty()
  overBudget!: boolean;
}

export class ProxyCostStatsResponse {
  @ApiProperty({ type: [ProxyCostStatsItem] })
  items!: ProxyCostStatsItem[];

  @ApiProperty({ example: 'USD' })
  currency!: string;
}

/** Query of `GET /proxy/cost/report`: UTC days, `to` included, at most 92 days. */
export class ProxyCostReportQuery {
  @ApiProperty({ example: '2026-12-01' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ example: '2026-12-05' })
  @IsISO8601({ strict: true })
  to!: string;
}

export class ProxyCostReportItem {
  @ApiProperty({ example: '2026-12-05' })
  day!: string;

  @ApiProperty()
  provider!: string;

  @ApiProperty({ example: '1200000000' })
  spendMicros!: string;

  @ApiProperty({ description: 'Rentals that ran during the day' })
  rentals!: number;
}

export class ProxyCostReportResponse {
  @ApiProperty({ type: [ProxyCostReportItem] })
  items!: ProxyCostReportItem[];

  @ApiProperty({ example: 'USD' })
  currency!: string;
}

export class ProxyAlertResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: PROXY_ALERT_KINDS })
  kind!: ProxyAlertKind;

  @ApiProperty({ description: 'What the alert is about: a provider name, a country' })
  subject!: string;

  @ApiProperty({ example: '2026-12-05' })
  day!: string;

  @ApiProperty()
  message!: string;

  @ApiProperty({ enum: PROXY_ALERT_STATUSES })
  status!: ProxyAlertStatus;

  @ApiProperty({ format: 'date-time' })
  raisedAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: String, nullable: true })
  updatedBy!: string | null;
}
