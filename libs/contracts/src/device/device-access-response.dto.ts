import { ApiProperty } from '@nestjs/swagger';

/**
 * How a renter reaches their device while the allocation lasts: ADB through the platform's access
 * gateway, a screen stream, and a token scoped to this allocation. All of it stops working when the
 * allocation ends (release, expiry) or moves to another device.
 */
export class DeviceAccessResponse {
  @ApiProperty({ format: 'uuid' })
  allocationId!: string;

  @ApiProperty({ format: 'uuid' })
  deviceId!: string;

  @ApiProperty({ example: 'gw.example.com:40017', description: 'For `adb connect`' })
  adbEndpoint!: string;

  @ApiProperty({ example: 'https://api.example.com/devices/…/stream?token=…' })
  streamUrl!: string;

  @ApiProperty({ description: 'Scoped to this allocation; accepted by the stream until the allocation ends' })
  token!: string;

  @ApiProperty({ format: 'date-time', description: "The allocation's current end: access ends with it" })
  expiresAt!: string;
}
