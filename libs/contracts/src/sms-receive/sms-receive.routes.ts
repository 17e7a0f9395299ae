/** sms-receive-service paths, relative to its base URL. */
export const SMS_RECEIVE_ROUTES = {
  numbers: 'numbers',
} as const;
