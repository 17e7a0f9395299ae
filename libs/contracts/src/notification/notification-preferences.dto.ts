import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { OptionalField } from '../common/optional-field.decorator';
import { EVENT_TYPE_PATTERN } from '../events/domain-events';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_LOCALES,
  type NotificationChannelName,
  type NotificationLocale,
} from './notification-channels';

/** One choice: whether this event type reaches the user by this channel. */
export class NotificationPreference {
  @ApiProperty({ example: 'billing.invoice_issued' })
  @IsString()
  @MaxLength(100)
  @Matches(EVENT_TYPE_PATTERN)
  eventType!: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  @IsIn(NOTIFICATION_CHANNELS)
  channel!: NotificationChannelName;

  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;
}

/** A choice as `GET /notifications/preferences` shows it. */
export class NotificationPreferenceView extends NotificationPreference {
  @ApiProperty({ description: 'Security emails: always sent, cannot be switched off' })
  locked!: boolean;

  @ApiProperty({ description: 'Whether this is the default (the user made no choice)' })
  isDefault!: boolean;
}

/** Every notifiable event type × channel, with the user's choices applied to the defaults. */
export class NotificationPreferencesResponse {
  @ApiProperty({ enum: NOTIFICATION_LOCALES, description: 'The language of emails' })
  locale!: NotificationLocale;

  @ApiProperty({ type: [NotificationPreferenceView] })
  preferences!: NotificationPreferenceView[];
}

/** Body of `POST /notifications/preferences/batch`: all or nothing. */
export class UpdateNotificationPreferencesRequest {
  @ApiPropertyOptional({ enum: NOTIFICATION_LOCALES })
  @OptionalField()
  @IsIn(NOTIFICATION_LOCALES)
  locale?: NotificationLocale;

  @ApiPropertyOptional({ type: [NotificationPreference], maxItems: 200 })
  @OptionalField()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => NotificationPreference)
  preferences?: NotificationPreference[];
}
