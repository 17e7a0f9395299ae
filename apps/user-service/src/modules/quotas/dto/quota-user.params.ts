import { IsUUID } from 'class-validator';

/** Path parameters of `/quotas/:userId` routes. */
export class QuotaUserParams {
  @IsUUID()
  userId!: string;
}
