package auth

// Audit actions written by the Service. Target is the login ID of the
// user concerned, "tenant:<id>" for tenants, "token:<prefix>" for API
// tokens (the first 8 bytes of the token hash in hex).
const (
	ActionTenantCreate   = "tenant.create"   // detail: name, sensors, users
	ActionUserCreate     = "user.create"     // detail: role
	ActionUserDelete     = "user.delete"     // detail: role
	ActionPasswordSet    = "password.set"    // another user's password set by an admin/operator (must change)
	ActionPasswordChange = "password.change" // own password changed
	ActionPasswordRehash = "password.rehash" // hash renewed with new parameters at login
	ActionLoginFailure   = "login.failure"   // wrong password for an existing login
	ActionLoginLocked    = "login.locked"    // account locked after repeated failures
	ActionLoginUnlock    = "login.unlock"    // lock lifted by an admin/operator
	ActionCodeSent       = "login.code_sent" // one-time code queued for mail
	ActionCodeFailure    = "login.code_failure"
	ActionLogin          = "login.success" // code accepted: session may start
	ActionLogoutAll      = "session.revoke_all"
	ActionTokenCreate    = "token.create" // detail: token name
	ActionTokenRevoke    = "token.revoke"
)
