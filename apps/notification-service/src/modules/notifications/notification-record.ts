/** One in-app notification in a user's inbox. */
export interface NotificationRecord {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  readAt: Date | null;
  createdAt: Date;
  /** `<event type>:<natural key>` of the event it reports; unique, so an event notifies once. */
  sourceKey: string | null;
  /** Envelope id of the event that created it. */
  sourceEventId: string | null;
}
