/** A webhook endpoint as stored, without its secret. */
export interface WebhookEndpoint {
  id: string;
  userId: string;
  url: string;
  description: string | null;
  /** Empty: every event the user is notified of by webhook. */
  eventTypes: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What a send needs: the endpoint's state now and its encrypted secret. */
export interface WebhookEndpointForDelivery {
  userId: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  deleted: boolean;
  secretCiphertext: string;
}

export interface NewWebhookEndpoint {
  id: string;
  userId: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  secretCiphertext: string;
}

/** A PATCH: only the fields given change (`description: null` clears it). */
export interface WebhookEndpointChanges {
  url?: string;
  description?: string | null;
  eventTypes?: string[];
  enabled?: boolean;
}
