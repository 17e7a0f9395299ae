// What other user-service modules may use of users (auth signs people in through these).
export { PasswordHasher } from './password-hasher.service';
export { toUserResponse } from './user-response.mapper';
export { UsersModule } from './users.module';
export { UsersService } from './users.service';
export type { SignUp } from './users.service';
export type { UserRecord } from './user-record';
