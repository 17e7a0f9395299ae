import { EnvString } from '../config/env-variable.decorators';

/** Secrets that sign and verify user and service tokens (config slice of src/auth). */
export class AuthConfig {
  @EnvString('JWT_SECRET', { minLength: 32, description: 'a secret of at least 32 characters' })
  jwtSecret!: string;

  @EnvString('SERVICE_TOKEN_SECRET', { minLength: 32, description: 'a secret of at least 32 characters' })
  serviceTokenSecret!: string;
}
