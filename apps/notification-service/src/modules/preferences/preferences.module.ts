import { Module } from '@nestjs/common';
import { PreferencesController } from './preferences.controller';
import { PreferencesRepository } from './preferences.repository';
import { NotificationPreferences } from './preferences.service';

@Module({
  controllers: [PreferencesController],
  providers: [PreferencesRepository, NotificationPreferences],
  exports: [NotificationPreferences],
})
export class PreferencesModule {}
