import { SetMetadata } from '@nestjs/common';
import { PUBLIC_ROUTE } from './access.decorators';

/** Marks a route (or controller) as reachable without a token: health, metrics, login. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
