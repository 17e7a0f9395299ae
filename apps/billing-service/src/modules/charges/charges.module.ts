import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { ChargesController } from './charges.controller';
import { ChargesRepository } from './charges.repository';
import { ChargesService } from './charges.service';

/** Service charges: what proxy-service and sms-receive-service charge to users' accounts. */
@Module({
  imports: [AccountsModule],
  controllers: [ChargesController],
  providers: [ChargesService, ChargesRepository],
})
export class ChargesModule {}
