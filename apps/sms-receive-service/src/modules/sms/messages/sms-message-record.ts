/** A stored message with its number's phone and service (what every message answer shows). */
export interface SmsMessageRecord {
  id: string;
  numberId: string;
  userId: string | null;
  phoneNumber: string;
  service: string;
  sender: string | null;
  body: string;
  code: string | null;
  receivedAt: Date;
}
