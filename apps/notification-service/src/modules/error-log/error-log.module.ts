import { Module } from '@nestjs/common';
import { ErrorLogRepository } from './error-log.repository';
import { ErrorLog } from './error-log.service';

/** The error digest's counts, written by the event handlers and the delivery destinations. */
@Module({ providers: [ErrorLogRepository, ErrorLog], exports: [ErrorLog, ErrorLogRepository] })
export class ErrorLogModule {}
