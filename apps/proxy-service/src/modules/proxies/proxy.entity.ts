import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const PROXY_STATUSES = ['available', 'assigned', 'unhealthy', 'retired'] as const;
export type ProxyStatus = (typeof PROXY_STATUSES)[number];
export const PROXY_PROTOCOLS = ['http', 'https', 'socks5'] as const;
export type ProxyProtocol = (typeof PROXY_PROTOCOLS)[number];

/** An egress proxy bought from a vendor, assignable to a device. */
@Entity({ name: 'proxies' })
export class ProxyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  host!: string;

  @Column({ type: 'integer' })
  port!: number;

  @Column({ type: 'text' })
  protocol!: ProxyProtocol;

  @Column({ name: 'country_code', type: 'char', length: 2 })
  countryCode!: string;

  @Column({ type: 'text' })
  status!: ProxyStatus;

  @Column({ name: 'quality_score', type: 'smallint' })
  qualityScore!: number;

  @Column({ name: 'cost_per_gb_micros', type: 'bigint' })
  costPerGbMicros!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
