// Package portal is the otsight web portal and its REST API (issue 7): server
// rendered pages (html/template, Japanese first, English selectable) with a
// small bundled script for charts, and a JSON twin of every page under
// /api/v1/ with the same authorisation.
//
// The portal owns no storage and no authentication policy: it takes its
// dependencies as the small interfaces of deps.go, which the server satisfies
// with the store backend, the auth service and the inventory.
//
// Pages (each with its JSON twin under /api/v1/, described by
// /api/v1/openapi.json): Home (/), V1-1 device list (/devices, CSV at
// /devices.csv), V3-1 traffic over time (/traffic), V4 rankings (/rankings,
// CSV at /rankings.csv) and, for admins, the audit log (/audit). Login:
// /login, /login/code, /password, /logout, /logout/all.
//
// Security posture: a strict Content-Security-Policy without 'unsafe-inline'
// (every script and style is a file under /assets/, embedded in the binary),
// cross-origin POSTs refused (net/http CrossOriginProtection), sessions in
// HttpOnly, Secure, SameSite=Lax cookies with idle and absolute timeouts and a
// new token at every step of the login, and a two-step login: password, then
// a six-digit code sent by mail.
package portal
