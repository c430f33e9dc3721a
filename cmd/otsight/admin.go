//go:build cgo

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/otsight/otsight/internal/server"
)

const adminUsage = `usage: otsight admin [--config FILE] [--data DIR] COMMAND

commands (through the running server's admin socket, else on the data directory):
  tenant add NAME [--sensors N] [--admin-email E]
  tenant list
  user add --tenant T --email E [--login L] [--role admin|user]
  user list --tenant T
  user remove --tenant T --login L
  sensor add --tenant T --name N [--ttl D] [--monitoring=false]
  sensor list [--tenant T]
  sensor revoke --tenant T --name N
  sensor monitor --tenant T --name N on|off
  backup [--dir DIR]
  restore --from DIR [--snapshot FILE]     (server stopped, empty data directory)
  stats [--json]
`

func runAdmin(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return admin(ctx, args, os.Environ(), stdout, stderr)
}

// adminCmd is one `otsight admin` command: its flags fill the request.
type adminCmd struct {
	fs     *flag.FlagSet
	req    server.Request
	nargs  int // positional arguments expected
	json   bool
	finish func(pos []string) error // reads the positional arguments
}

func admin(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	var sf serverFlags
	top := flag.NewFlagSet("admin", flag.ContinueOnError)
	top.SetOutput(stderr)
	sf.register(top)
	top.Usage = func() { fmt.Fprint(stderr, adminUsage); top.PrintDefaults() }
	if err := top.Parse(args); err != nil {
		return 2
	}
	rest := top.Args()
	if len(rest) == 0 {
		top.Usage()
		return 2
	}
	name := rest[0]
	if len(rest) > 1 && (rest[0] == "tenant" || rest[0] == "user" || rest[0] == "sensor") {
		name, rest = rest[0]+" "+rest[1], rest[1:]
	}
	rest = rest[1:]
	if name == "restore" {
		return adminRestore(rest, environ, &sf, stdout, stderr)
	}
	c := newAdminCmd(name, &sf, stderr)
	if c == nil {
		fmt.Fprintf(stderr, "otsight admin: unknown command %q\n", name)
		fmt.Fprint(stderr, adminUsage)
		return 2
	}
	pos, err := parseInterspersed(c.fs, rest)
	if err != nil {
		return 2
	}
	if len(pos) != c.nargs {
		fmt.Fprintf(stderr, "otsight admin %s: want %d argument(s), got %d\n", name, c.nargs, len(pos))
		fmt.Fprint(stderr, adminUsage)
		return 2
	}
	if c.finish != nil {
		if err := c.finish(pos); err != nil {
			fmt.Fprintf(stderr, "otsight admin %s: %v\n", name, err)
			return 2
		}
	}
	cfg, err := sf.load(environ)
	if err != nil {
		fmt.Fprintf(stderr, "otsight admin: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	resp, _, err := server.Do(ctx, cfg, c.req, log)
	if err == nil && resp.Error != "" {
		err = fmt.Errorf("%s", resp.Error)
	}
	if err != nil {
		fmt.Fprintf(stderr, "otsight admin %s: %v\n", name, err)
		return 1
	}
	if c.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if resp.Stats != nil {
			enc.Encode(resp.Stats)
		} else {
			enc.Encode(resp)
		}
		return 0
	}
	printResponse(stdout, c.req.Op, resp)
	return 0
}

// newAdminCmd returns the flags of a command, nil for an unknown one.
func newAdminCmd(name string, sf *serverFlags, stderr io.Writer) *adminCmd {
	c := &adminCmd{fs: flag.NewFlagSet("admin "+name, flag.ContinueOnError)}
	c.fs.SetOutput(stderr)
	c.fs.Usage = func() { fmt.Fprint(stderr, adminUsage); c.fs.PrintDefaults() }
	sf.register(c.fs)
	r := &c.req
	tenant := func() { c.fs.StringVar(&r.Tenant, "tenant", "", "tenant `NAME`") }
	switch name {
	case "tenant add":
		r.Op, c.nargs = server.OpTenantAdd, 1
		c.fs.IntVar(&r.Sensors, "sensors", 0, "sensor limit `N` (default: limits.sensors_per_tenant)")
		c.fs.StringVar(&r.Email, "admin-email", "", "e-mail `ADDRESS` of the tenant's first administrator")
		c.finish = func(pos []string) error { r.Name = pos[0]; return nil }
	case "tenant list":
		r.Op = server.OpTenantList
	case "user add":
		r.Op = server.OpUserAdd
		tenant()
		c.fs.StringVar(&r.Email, "email", "", "e-mail `ADDRESS` (one-time login codes go there)")
		c.fs.StringVar(&r.Login, "login", "", "`LOGIN` (default: the e-mail address)")
		c.fs.StringVar(&r.Role, "role", "user", "`ROLE`: admin or user")
	case "user list":
		r.Op = server.OpUserList
		tenant()
	case "user remove":
		r.Op = server.OpUserRemove
		tenant()
		c.fs.StringVar(&r.Login, "login", "", "`LOGIN` of the user")
	case "sensor add":
		r.Op = server.OpSensorAdd
		tenant()
		c.fs.StringVar(&r.Name, "name", "", "sensor `NAME`")
		c.fs.DurationVar(&r.TTL, "ttl", 0, "enrolment token lifetime (default: ingest.token_ttl)")
		c.fs.BoolVar(&r.On, "monitoring", true, "health notifications for this sensor")
	case "sensor list":
		r.Op = server.OpSensorList
		tenant()
	case "sensor revoke":
		r.Op = server.OpSensorRevoke
		tenant()
		c.fs.StringVar(&r.Name, "name", "", "sensor `NAME`")
	case "sensor monitor":
		r.Op, c.nargs = server.OpSensorMonitor, 1
		tenant()
		c.fs.StringVar(&r.Name, "name", "", "sensor `NAME`")
		c.finish = func(pos []string) error {
			switch pos[0] {
			case "on":
				r.On = true
			case "off":
				r.On = false
			default:
				return fmt.Errorf("want on or off, got %q", pos[0])
			}
			return nil
		}
	case "backup":
		r.Op = server.OpBackup
		c.fs.StringVar(&r.Dir, "dir", "", "backup `DIR` (default: store.backup_dir)")
	case "stats":
		r.Op = server.OpStats
		c.fs.BoolVar(&c.json, "json", false, "print JSON (the shape is in docs/operations.md)")
	default:
		return nil
	}
	return c
}

// parseInterspersed parses flags wherever they are among the positional
// arguments (`tenant add NAME --sensors 3`).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func adminRestore(args, environ []string, sf *serverFlags, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("admin restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf.register(fs)
	from := fs.String("from", "", "backup `DIR`")
	snapshot := fs.String("snapshot", "", "snapshot `FILE` in the backup (default: the newest)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *from == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, adminUsage)
		return 2
	}
	cfg, err := sf.load(environ)
	if err != nil {
		fmt.Fprintf(stderr, "otsight admin: %v\n", err)
		return 2
	}
	if err := server.Restore(cfg, *from, *snapshot); err != nil {
		fmt.Fprintf(stderr, "otsight admin restore: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", cfg.DataDir, *from)
	return 0
}

// printResponse writes a response for people.
func printResponse(w io.Writer, op string, r server.Response) {
	switch op {
	case server.OpTenantAdd, server.OpTenantList:
		for _, t := range r.Tenants {
			fmt.Fprintf(w, "tenant %s (id %d): up to %d sensors, %d users, %d devices per sensor\n",
				t.Name, t.ID, t.MaxSensors, t.MaxUsers, t.MaxDevicesPerSensor)
		}
		for _, u := range r.Users {
			printActivation(w, "administrator", u)
		}
	case server.OpUserAdd:
		for _, u := range r.Users {
			printActivation(w, "user", u)
		}
	case server.OpUserList:
		for _, u := range r.Users {
			fmt.Fprintf(w, "%-30s %-30s %-6s %s\n", u.Login, u.Email, u.Role, map[bool]string{true: "disabled"}[u.Disabled])
		}
	case server.OpUserRemove:
		fmt.Fprintln(w, "user removed")
	case server.OpSensorAdd:
		e := r.Enrolment
		fmt.Fprintf(w, "sensor %s of tenant %s (id %d)\n", e.Sensor, e.Tenant, e.SensorID)
		fmt.Fprintf(w, "CA fingerprint (SHA-256): %s\n", e.CAFingerprint)
		fmt.Fprintf(w, "one-time enrolment token, valid until %s (shown once):\n\n%s\n\n", e.Expires.Format(time.RFC3339), e.Token)
		fmt.Fprintln(w, "on the sensor: otsight sensor enroll --server https://HOST:PORT --token TOKEN")
	case server.OpSensorList, server.OpSensorRevoke, server.OpSensorMonitor:
		for _, s := range r.Sensors {
			state := "waiting for enrolment"
			switch {
			case s.Revoked:
				state = "revoked"
			case s.Enrolled:
				state = "enrolled, certificate until " + s.CertNotAfter.Format(time.RFC3339)
			}
			last := "never"
			if !s.LastUpload.IsZero() {
				last = s.LastUpload.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%-16s %-16s id %-4d monitoring %-5t last upload %-20s %s\n", s.Tenant, s.Name, s.ID, s.Monitoring, last, state)
		}
	case server.OpBackup:
		b := r.Backup
		fmt.Fprintf(w, "backup %s: %d record files copied, %d already there, %d bytes\n", b.Snapshot, b.FilesCopied, b.FilesKept, b.BytesCopied)
	case server.OpStats:
		for _, t := range r.Stats.Tenants {
			fmt.Fprintf(w, "tenant %s\n", t.Name)
			for _, s := range t.Sensors {
				last := "never"
				if s.LastUpload != nil {
					last = *s.LastUpload
				}
				var total int64
				kinds := make([]string, 0, len(s.Records))
				for k, n := range s.Records {
					total += n
					kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
				}
				sort.Strings(kinds)
				fmt.Fprintf(w, "  sensor %s: %d records, %d devices, last upload %s, %d bytes this month, spool %d\n",
					s.Name, total, s.Devices, last, s.BytesThisMonth, s.SpoolDepth)
				if len(kinds) > 0 {
					fmt.Fprintf(w, "    %s\n", strings.Join(kinds, " "))
				}
			}
		}
	}
}

// printActivation shows a new user's login and initial password, once: the
// password is stored only as a hash and must be changed at first login,
// after the one-time code e-mailed to the address.
func printActivation(w io.Writer, what string, u server.UserInfo) {
	fmt.Fprintf(w, "%s %s <%s> (%s)\n", what, u.Login, u.Email, u.Role)
	fmt.Fprintf(w, "login: %s\npassword: %s\n", u.Login, u.InitialPassword)
	fmt.Fprintln(w, "(shown once; the first login asks for a one-time code sent to the address, then a new password)")
}
