export const VIRTUAL_NUMBER_STATUSES = ['available', 'active', 'released', 'blacklisted'] as const;
export type VirtualNumberStatus = (typeof VIRTUAL_NUMBER_STATUSES)[number];

/** A phone number rented from an SMS platform to receive verification codes. */
export interface VirtualNumberRecord {
  id: string;
  provider: string;
  phoneNumber: string;
  countryCode: string;
  status: VirtualNumberStatus;
  createdAt: Date;
  updatedAt: Date;
}
