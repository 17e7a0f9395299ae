import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const VIRTUAL_NUMBER_STATUSES = ['available', 'active', 'released', 'blacklisted'] as const;
export type VirtualNumberStatus = (typeof VIRTUAL_NUMBER_STATUSES)[number];

/** A phone number rented from an SMS platform to receive verification codes. */
@Entity({ name: 'virtual_numbers' })
export class VirtualNumberEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'phone_number', type: 'text' })
  phoneNumber!: string;

  @Column({ name: 'country_code', type: 'char', length: 2 })
  countryCode!: string;

  @Column({ type: 'text' })
  status!: VirtualNumberStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
