export { ErrorDigestModule } from './error-digest.module';
export { ERROR_DIGEST_EVENT_TYPE } from './error-digest.service';
