import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries';
import { ErrorLogModule } from '../error-log';
import { ErrorDigestService } from './error-digest.service';
import { ErrorDigestJob } from './jobs/error-digest.job';

@Module({ imports: [DeliveriesModule, ErrorLogModule], providers: [ErrorDigestService, ErrorDigestJob] })
export class ErrorDigestModule {}
