package embedded

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

func TestUsers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa, sb := store.ForTenant(f.ta.ID), store.ForTenant(f.tb.ID)
	var ids []store.UserID
	for i := range 5 {
		u, err := f.s.CreateUser(ctx, sa, store.User{Login: fmt.Sprintf("u%d", i), Role: store.RoleUser, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if _, err := f.s.CreateUser(ctx, sa, store.User{Login: "u5", Role: store.RoleUser}); !errors.Is(err, store.ErrLimit) {
		t.Fatalf("sixth user: err = %v, want ErrLimit", err)
	}
	// Operators do not count against a tenant's five.
	if _, err := f.s.CreateUser(ctx, sa, store.User{Login: "op", Role: store.RoleOperator}); err != nil {
		t.Fatal(err)
	}
	// Logins are unique across tenants.
	if _, err := f.s.CreateUser(ctx, sb, store.User{Login: "u0", Role: store.RoleAdmin}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("login taken in another tenant: err = %v, want ErrExists", err)
	}
	u, err := f.s.UserByLogin(ctx, "u1")
	if err != nil || u.ID != ids[1] || u.Tenant != f.ta.ID || !u.Created.Equal(f.clk.t) {
		t.Fatalf("UserByLogin = %+v, %v", u, err)
	}
	u.FailedAttempts, u.LockedUntil, u.MustChange, u.Email, u.Role = 3, t0.Add(time.Hour), true, "x@example.com", store.RoleAdmin
	if err := f.s.UpdateUser(ctx, sa, u); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.User(ctx, sa, u.ID); err != nil || got != u {
		t.Fatalf("after update: %+v, %v; want %+v", got, err, u)
	}
	u.Login = "u2"
	if err := f.s.UpdateUser(ctx, sa, u); !errors.Is(err, store.ErrExists) {
		t.Fatalf("rename onto a taken login: err = %v", err)
	}
	if err := f.s.DeleteUser(ctx, sa, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.User(ctx, sa, ids[0]); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted user: err = %v", err)
	}
	if _, err := f.s.CreateUser(ctx, sa, store.User{Login: "u5", Role: store.RoleUser}); err != nil {
		t.Fatalf("a deleted user frees a place: %v", err)
	}
	all, _ := f.s.Users(ctx, sa)
	if len(all) != 6 {
		t.Fatalf("%d users, want 5 and the operator", len(all))
	}
}

func TestOneTimeCodes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	u, _ := f.s.CreateUser(ctx, sa, store.User{Login: "u", Role: store.RoleUser})
	good, bad := sha256.Sum256([]byte("123456")), sha256.Sum256([]byte("000000"))
	exp := t0.Add(10 * time.Minute)
	if _, err := f.s.TakeCode(ctx, sa, u.ID, good, t0, 3); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no code yet: err = %v", err)
	}
	if err := f.s.PutCode(ctx, sa, store.OneTimeCode{User: u.ID, Hash: good, Expires: exp}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		c, err := f.s.TakeCode(ctx, sa, u.ID, bad, t0, 3)
		if !errors.Is(err, store.ErrNotFound) || c.Attempts != i+1 {
			t.Fatalf("wrong code %d: attempts %d, err %v", i, c.Attempts, err)
		}
	}
	c, err := f.s.TakeCode(ctx, sa, u.ID, good, t0, 3)
	if err != nil || !c.Used.Equal(t0) {
		t.Fatalf("right code on the third try: %+v, %v", c, err)
	}
	if _, err := f.s.TakeCode(ctx, sa, u.ID, good, t0, 3); !errors.Is(err, store.ErrUsed) {
		t.Fatalf("second use: err = %v, want ErrUsed", err)
	}
	// A new code replaces the old; three wrong tries exhaust it.
	f.s.PutCode(ctx, sa, store.OneTimeCode{User: u.ID, Hash: good, Expires: exp})
	for range 3 {
		f.s.TakeCode(ctx, sa, u.ID, bad, t0, 3)
	}
	if _, err := f.s.TakeCode(ctx, sa, u.ID, good, t0, 3); !errors.Is(err, store.ErrLimit) {
		t.Fatalf("after 3 wrong tries: err = %v, want ErrLimit", err)
	}
	f.s.PutCode(ctx, sa, store.OneTimeCode{User: u.ID, Hash: good, Expires: exp})
	if _, err := f.s.TakeCode(ctx, sa, u.ID, good, exp.Add(time.Second), 3); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("late: err = %v, want ErrExpired", err)
	}
}

func TestMailOutbox(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa, sb := store.ForTenant(f.ta.ID), store.ForTenant(f.tb.ID)
	m1, err := f.s.QueueMail(ctx, sa, store.Mail{To: "a@example.com", Subject: "s1", Message: []byte("m1"), Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := f.s.QueueMail(ctx, sb, store.Mail{To: "b@example.com", Subject: "s2", Message: []byte("m2"), Created: t0.Add(time.Second)})
	due, err := f.s.DueMail(ctx, t0.Add(time.Minute), 10)
	if err != nil || len(due) != 2 || due[0].ID != m1.ID || string(due[0].Message) != "m1" || due[1].Tenant != f.tb.ID {
		t.Fatalf("due = %+v, %v", due, err)
	}
	if err := f.s.MarkMail(ctx, m1.ID, true, t0.Add(time.Minute), "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.MarkMail(ctx, m2.ID, false, t0.Add(time.Minute), "421 try later", t0.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if due, _ := f.s.DueMail(ctx, t0.Add(4*time.Minute), 10); len(due) != 0 {
		t.Fatalf("due before the retry time: %+v", due)
	}
	due, _ = f.s.DueMail(ctx, t0.Add(5*time.Minute), 10)
	if len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "421 try later" {
		t.Fatalf("due at retry = %+v", due)
	}
	box, _ := f.s.Outbox(ctx, sa, 10)
	if len(box) != 1 || !box[0].Delivered.Equal(t0.Add(time.Minute)) || box[0].Attempts != 1 {
		t.Fatalf("outbox of A = %+v", box)
	}
	if err := f.s.MarkMail(ctx, 999, true, t0, "", time.Time{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown mail: err = %v", err)
	}
}

func TestAuditSessionsTokensSettings(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	for i := range 3 {
		f.s.Audit(ctx, sa, store.AuditEntry{Time: t0.Add(time.Duration(i) * time.Minute), Actor: "u", Action: fmt.Sprint("a", i)})
	}
	log, err := f.s.AuditLog(ctx, sa, t0.Add(time.Minute), 10)
	if err != nil || len(log) != 2 || log[0].Action != "a2" || log[1].Action != "a1" || log[0].Tenant != f.ta.ID {
		t.Fatalf("audit log = %+v, %v", log, err)
	}
	// Entries of the same microsecond come newest first too.
	same := t0.Add(time.Hour)
	for i := range 20 {
		f.s.Audit(ctx, sa, store.AuditEntry{Time: same, Actor: "u", Action: fmt.Sprint("s", i)})
	}
	log, err = f.s.AuditLog(ctx, sa, same, 100)
	if err != nil || len(log) != 20 {
		t.Fatalf("audit log = %d entries, %v", len(log), err)
	}
	for i, e := range log {
		if want := fmt.Sprint("s", 19-i); e.Action != want {
			t.Fatalf("entry %d = %s, want %s", i, e.Action, want)
		}
	}

	h := sha256.Sum256([]byte("session"))
	if _, found, err := f.s.FindSession(ctx, h, t0); found || err != nil {
		t.Fatalf("no session yet: found=%v err=%v", found, err)
	}
	f.s.CommitSession(ctx, h, []byte("v1"), t0.Add(time.Hour))
	f.s.CommitSession(ctx, h, []byte("v2"), t0.Add(time.Hour))
	if data, found, _ := f.s.FindSession(ctx, h, t0); !found || string(data) != "v2" {
		t.Fatalf("session = %q, %v", data, found)
	}
	if _, found, _ := f.s.FindSession(ctx, h, t0.Add(time.Hour)); found {
		t.Fatal("expired session found")
	}
	if n, _ := f.s.DeleteExpiredSessions(ctx, t0.Add(time.Hour)); n != 1 {
		t.Fatalf("expired sessions deleted = %d, want 1", n)
	}

	u, _ := f.s.CreateUser(ctx, sa, store.User{Login: "u", Role: store.RoleUser})
	th := sha256.Sum256([]byte("token"))
	if err := f.s.CreateAPIToken(ctx, sa, store.APIToken{Hash: th, User: u.ID, Name: "ci", Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.CreateAPIToken(ctx, sa, store.APIToken{Hash: th, User: u.ID}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("same token twice: err = %v", err)
	}
	f.s.TouchAPIToken(ctx, th, t0.Add(time.Minute))
	if err := f.s.RevokeAPIToken(ctx, sa, th, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := f.s.RevokeAPIToken(ctx, sa, th, t0.Add(3*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second revoke: err = %v", err)
	}
	tok, err := f.s.APIToken(ctx, th)
	want := store.APIToken{Hash: th, User: u.ID, Tenant: f.ta.ID, Name: "ci", Created: t0, LastUsed: t0.Add(time.Minute), Revoked: t0.Add(2 * time.Minute)}
	if err != nil || tok != want {
		t.Fatalf("token = %+v, %v; want %+v", tok, err, want)
	}

	if _, err := f.s.Setting(ctx, sa, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unset setting: err = %v", err)
	}
	if err := f.s.PutSetting(ctx, sa, "k", json.RawMessage(`not json`)); err == nil {
		t.Fatal("invalid JSON accepted")
	}
	f.s.PutSetting(ctx, sa, "k", json.RawMessage(`{"a":1}`))
	f.s.PutSetting(ctx, sa, "k", json.RawMessage(`[1,2]`))
	if v, err := f.s.Setting(ctx, sa, "k"); err != nil || string(v) != `[1,2]` {
		t.Fatalf("setting = %s, %v", v, err)
	}
}
