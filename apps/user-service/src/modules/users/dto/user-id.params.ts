import { IsUUID } from 'class-validator';

/** Path parameters of `/users/:id`. */
export class UserIdParams {
  @IsUUID()
  id!: string;
}
