import { SERVICE_NAME } from './sms-vendor';
import { SmsVendorError } from './sms-vendor.error';

/**
 * ISO 3166-1 alpha-2 to 5sim's country names (`/v1/guest/countries` keys). 5sim names some countries
 * its own way (GB is 'england', US 'usa', CZ 'czech', HK 'hongkong'), so the map is spelled out
 * rather than derived from English names.
 */
const FIVESIM_COUNTRIES: Readonly<Record<string, string>> = {
  AM: 'armenia',
  AR: 'argentina',
  AT: 'austria',
  AU: 'australia',
  AZ: 'azerbaijan',
  BD: 'bangladesh',
  BE: 'belgium',
  BG: 'bulgaria',
  BR: 'brazil',
  BY: 'belarus',
  CA: 'canada',
  CH: 'switzerland',
  CL: 'chile',
  CN: 'china',
  CO: 'colombia',
  CY: 'cyprus',
  CZ: 'czech',
  DE: 'germany',
  EE: 'estonia',
  EG: 'egypt',
  ES: 'spain',
  FI: 'finland',
  FR: 'france',
  GB: 'england',
  GE: 'georgia',
  GR: 'greece',
  HK: 'hongkong',
  HR: 'croatia',
  HU: 'hungary',
  ID: 'indonesia',
  IE: 'ireland',
  IL: 'israel',
  IN: 'india',
  IT: 'italy',
  JP: 'japan',
  KE: 'kenya',
  KG: 'kyrgyzstan',
  KZ: 'kazakhstan',
  LK: 'srilanka',
  LT: 'lithuania',
  LV: 'latvia',
  MA: 'morocco',
  MD: 'moldova',
  MX: 'mexico',
  MY: 'malaysia',
  NG: 'nigeria',
  NL: 'netherlands',
  NO: 'norway',
  NZ: 'newzealand',
  PE: 'peru',
  PH: 'philippines',
  PK: 'pakistan',
  PL: 'poland',
  PT: 'portugal',
  RO: 'romania',
  RS: 'serbia',
  RU: 'russia',
  SA: 'saudiarabia',
  SE: 'sweden',
  SG: 'singapore',
  SI: 'slovenia',
  SK: 'slovakia',
  TH: 'thailand',
  TR: 'turkey',
  TW: 'taiwan',
  UA: 'ukraine',
  US: 'usa',
  UZ: 'uzbekistan',
  VN: 'vietnam',
  ZA: 'southafrica',
};

/**
 * Our service names that 5sim spells differently; every other name is 5sim's product name as is
 * (telegram, whatsapp, google, facebook, instagram, twitter, tiktok, discord, amazon, uber, wechat,
 * viber, microsoft, apple, openai...).
 */
const FIVESIM_PRODUCT_ALIASES: Readonly<Record<string, string>> = {
  vk: 'vkontakte',
  ok: 'odnoklassniki',
  x: 'twitter',
  chatgpt: 'openai',
};

/** 5sim's name of the country, or UNSUPPORTED: 5sim would answer a guess with a refusal anyway. */
export function fivesimCountry(countryCode: string): string {
  const name = /^[A-Za-z]{2}$/.test(countryCode) ? FIVESIM_COUNTRIES[countryCode.toUpperCase()] : undefined;
  if (name === undefined) {
    throw new SmsVendorError('UNSUPPORTED', `5sim is not set up for country ${printable(countryCode)}`);
  }
  return name;
}

/** 5sim's product for our service, or UNSUPPORTED when the name cannot be one (it goes in a URL path). */
export function fivesimProduct(service: string): string {
  if (!SERVICE_NAME.test(service)) {
    throw new SmsVendorError('UNSUPPORTED', `${printable(service)} is not a service name 5sim could sell`);
  }
  return FIVESIM_PRODUCT_ALIASES[service] ?? service;
}

/** The ISO codes the driver can rent in, for configuration checks and admin screens. */
export function fivesimCountryCodes(): string[] {
  return Object.keys(FIVESIM_COUNTRIES);
}

/** A caller's value, quoted and cut short, for an error message. */
function printable(value: string): string {
  return JSON.stringify(value.slice(0, 40));
}
