package auth

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/store"
)

// Every change of a tenant's users and credentials leaves exactly one
// audit entry, in order, with its actor and target.
func TestAuditEntries(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a, _ := e.tenant(t, "plant-a", 2)
	admin := e.login(t, a.Login, a.InitialPassword)
	must(e.svc.ChangePassword(ctx, admin, a.InitialPassword, "admin-password-2026"))
	admin.MustChange = false
	su, err := e.svc.AddUser(ctx, admin, a.Tenant.ID, NewUser{Login: "sato", Email: "sato@plant-a.example.jp", Role: store.RoleUser})
	must(err)
	_, err = e.svc.VerifyPassword(ctx, "sato", "not-the-password")
	if err == nil {
		t.Fatal("wrong password accepted")
	}
	p, err := e.svc.VerifyPassword(ctx, "sato", su.InitialPassword)
	must(err)
	must(e.svc.StartCode(ctx, p))
	code := e.lastCode(t, a.Tenant.ID)
	if _, err := e.svc.VerifyCode(ctx, p, "12345x"); err == nil {
		t.Fatal("bad code accepted")
	}
	sato, err := e.svc.VerifyCode(ctx, p, code)
	must(err)
	must(e.svc.ChangePassword(ctx, sato, su.InitialPassword, "sato-password-2026"))
	sato.MustChange = false
	_, tok, err := e.svc.CreateToken(ctx, sato, "grafana")
	must(err)
	must(e.svc.RevokeToken(ctx, admin, tok.Hash))
	must(e.svc.SetPassword(ctx, admin, a.Tenant.ID, sato.User, "reset-password-2026"))
	must(e.svc.LogoutEverywhere(ctx, admin, a.Tenant.ID, sato.User))
	must(e.svc.Unlock(ctx, admin, a.Tenant.ID, sato.User))
	must(e.svc.RemoveUser(ctx, admin, a.Tenant.ID, sato.User))

	log, err := e.st.AuditLog(ctx, store.ForTenant(a.Tenant.ID), t0, 1000)
	must(err)
	slices.Reverse(log) // oldest first
	var got []string
	for _, l := range log {
		got = append(got, fmt.Sprintf("%s %s %s", l.Actor, l.Action, l.Target))
	}
	adm, tk := a.Login, "token:"+TokenID(tok.Hash)
	want := []string{
		"ops tenant.create tenant:" + fmt.Sprint(a.Tenant.ID),
		"ops user.create " + adm,
		adm + " login.code_sent " + adm,
		adm + " login.success " + adm,
		adm + " password.change " + adm,
		adm + " user.create sato",
		"sato login.failure sato",
		"sato login.code_sent sato",
		"sato login.code_failure sato",
		"sato login.success sato",
		"sato password.change sato",
		"sato token.create " + tk,
		adm + " token.revoke " + tk,
		adm + " password.set sato",
		adm + " session.revoke_all sato",
		adm + " login.unlock sato",
		adm + " user.delete sato",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	details := map[string]string{}
	for _, l := range log {
		details[l.Action] = l.Detail
	}
	for action, d := range map[string]string{
		ActionTenantCreate: `name="plant-a" sensors=2 users=5`,
		ActionUserDelete:   "role=user",
		ActionTokenCreate:  `name="grafana"`,
		ActionCodeFailure:  ErrCodeInvalid.Error(),
	} {
		if details[action] != d {
			t.Errorf("%s detail %q, want %q", action, details[action], d)
		}
	}
	// The operator account lives in tenant 0's log.
	ops, _ := e.st.AuditLog(ctx, store.ForTenant(OperatorTenant), t0, 10)
	if len(ops) != 1 || ops[0].Actor != "system" || ops[0].Action != ActionUserCreate || ops[0].Target != "ops" {
		t.Errorf("tenant 0 audit log: %+v", ops)
	}
}
