import type { DeviceHealth, DeviceStatus } from '@cloudphone/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A cloud Android device in the pool. Whether it is rented is told by its allocations, not here. */
@Entity({ name: 'devices' })
export class DeviceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'provider_device_id', type: 'text' })
  providerDeviceId!: string;

  @Column({ type: 'text' })
  region!: string;

  @Column({ name: 'android_version', type: 'text' })
  androidVersion!: string;

  @Column({ name: 'cpu_cores', type: 'integer' })
  cpuCores!: number;

  @Column({ name: 'memory_mb', type: 'integer' })
  memoryMb!: number;

  @Column({ name: 'storage_gb', type: 'integer' })
  storageGb!: number;

  @Column({ type: 'text' })
  status!: DeviceStatus;

  @Column({ type: 'text' })
  health!: DeviceHealth;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
