// Package auth holds the otsight server's tenants, users and their
// credentials: argon2id password hashes, e-mailed one-time login codes,
// personal API tokens, lockout after repeated failures, role checks, and an
// audit entry for every change.
//
// Login is two steps. VerifyPassword checks login ID and password and
// returns a Pending login; StartCode e-mails a 6-digit code to the user;
// VerifyCode turns the pending login and the code into a Principal, which
// the portal keeps in its session. Failures of the first step return the
// same error, after the same amount of work, whether the login exists or
// not.
//
// Roles: an operator (the provider) manages tenants and sensors; an admin
// manages the users of its own tenant; a user reads. Operators belong to
// tenant 0, which is not a customer tenant and has no user quota.
package auth
