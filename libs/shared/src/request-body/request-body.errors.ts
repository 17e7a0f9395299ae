import { AppError } from '../errors/app-error';

/** Refusals of a request body before it reaches validation; the README's Errors section lists them. */
export const RequestBodyErrors = {
  malformed: (message: string) => new AppError('MALFORMED_BODY', 400, message),
  tooLarge: (limit: string) =>
    new AppError('PAYLOAD_TOO_LARGE', 413, `Request body is larger than ${limit}`, { limit }),
  unsupportedMediaType: (message: string) => new AppError('UNSUPPORTED_MEDIA_TYPE', 415, message),
};
