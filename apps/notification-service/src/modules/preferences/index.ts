export { PreferencesModule } from './preferences.module';
export { NotificationPreferences } from './preferences.service';
export { EVENT_CHANNEL_RULES, channelRuleOf } from './channel-defaults';
