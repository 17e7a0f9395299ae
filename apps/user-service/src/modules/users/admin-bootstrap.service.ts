import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { UserServiceConfig } from '../../config/user-service.config';
import { UsersService } from './users.service';

/**
 * Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD before the service starts listening, so
 * an operator can log in right after deploying. Does nothing when the email already exists.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly config: UserServiceConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (adminEmail === undefined && adminPassword === undefined) return;
    if (adminEmail === undefined || adminPassword === undefined) {
      // Half a setting is a mistake worth stopping for, not something to guess around.
      const missing = adminEmail === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD';
      throw new Error(
        `${missing} is required when ${missing === 'ADMIN_EMAIL' ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'} is set`,
      );
    }
    const outcome = await this.users.ensureAdmin(adminEmail, adminPassword);
    this.logger.log({
      msg: outcome === 'created' ? 'bootstrap admin created' : 'bootstrap admin already exists',
      email: adminEmail,
    });
  }
}
