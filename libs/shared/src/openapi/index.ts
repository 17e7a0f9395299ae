export { ApiCommonErrors, ApiErrorResponses, ApiNotRateLimited } from './api-error-responses.decorator';
export type { ErrorCodesByStatus } from './api-error-responses.decorator';
