export {
  SERVICE_NAME,
  SMS_VENDOR,
  type ActivationState,
  type SmsVendor,
  type VendorActivation,
  type VendorMessage,
} from './sms-vendor';
export { SmsVendorError, type SmsVendorErrorCode } from './sms-vendor.error';
export { createSmsVendor, type SmsVendorSettings } from './sms-vendor.factory';
export { fivesimCountryCodes } from './fivesim-catalog';
export { FIVESIM_BASE_URL, FivesimSmsVendor, type FivesimSmsVendorOptions } from './fivesim-sms-vendor';
export { SimulatedSmsVendor, type SimulatedSmsVendorOptions } from './simulated-sms-vendor';
