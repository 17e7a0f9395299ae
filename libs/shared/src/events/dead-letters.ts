/** One delivery a consumer gave up on, as an operator sees it. */
export interface DeadLetter {
  messageId: string;
  type: string;
  /** Why: `handler_failed`, `unprocessable`, `delivery_limit` (the broker's), … */
  reason: string;
  attempts: number;
  lastError: string;
  failedAt: string | null;
}

/** The first `letters` of a service's dead-letter queue, and how many it holds in all. */
export interface DeadLetterPage {
  queue: string | null;
  total: number;
  letters: DeadLetter[];
}

/** Which dead letters to replay: the first `limit`, or only those of `messageIds` (scanning the queue). */
export interface DeadLetterSelection {
  limit: number;
  messageIds?: string[];
}

export interface DeadLetterReplay {
  queue: string | null;
  /** Message ids sent back to the service's queue, to be handled again (the inbox drops repeats). */
  replayed: string[];
  remaining: number;
}

/** The two queues a replay moves between: the service's own queue and its dead-letter queue. */
export interface DeadLetterQueues {
  queue: string;
  deadLetterQueue: string;
}
