import { Module } from '@nestjs/common';
import { RentalEnding } from './rental-ending.service';
import { RentalEventsPublisher } from './rental-events.publisher';
import { RentalsRepository } from './rentals.repository';

/**
 * How rentals start and end, without the routes: the pool module ends a retired proxy's rental
 * through it, and importing it never registers a `proxy/:id` route ahead of `proxy/pool`.
 */
@Module({
  providers: [RentalsRepository, RentalEventsPublisher, RentalEnding],
  exports: [RentalsRepository, RentalEventsPublisher, RentalEnding],
})
export class RentalLifecycleModule {}
