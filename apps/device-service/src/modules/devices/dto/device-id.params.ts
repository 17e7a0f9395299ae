import { IsUUID } from 'class-validator';

/** Path parameters of `/devices/:id`. */
export class DeviceIdParams {
  @IsUUID()
  id!: string;
}
