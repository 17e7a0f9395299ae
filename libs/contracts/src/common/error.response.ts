/** The JSON body of every error answer. */
export interface ErrorResponse {
  code: string;
  message: string;
  details?: unknown;
  requestId?: string;
}
