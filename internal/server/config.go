package server

import (
	"path/filepath"
	"time"

	"github.com/otsight/otsight/internal/ingest"
	"github.com/otsight/otsight/internal/notify"
	"github.com/otsight/otsight/internal/store"
	"github.com/otsight/otsight/internal/store/embedded"
)

// Config is the whole server's configuration, one section per component.
// Every field has a YAML key and an OTSIGHT_* environment variable (see
// config.Variables); the zero file is DefaultConfig.
type Config struct {
	// DataDir holds everything the server keeps: the database and record
	// files, the certificate authority, inventory snapshots and the admin
	// socket.
	DataDir   string          `yaml:"data_dir"`
	Listen    ListenConfig    `yaml:"listen"`
	Ingest    IngestConfig    `yaml:"ingest"`
	Store     StoreConfig     `yaml:"store"`
	Mail      MailConfig      `yaml:"mail"`
	Limits    LimitsConfig    `yaml:"limits"`
	Health    HealthConfig    `yaml:"health"`
	Inventory InventoryConfig `yaml:"inventory"`
	// ShutdownTimeout bounds how long Stop waits for in-flight uploads.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// ListenConfig is the portal and API listener (plain HTTP behind a reverse
// proxy or on the loopback; the portal itself comes later).
type ListenConfig struct {
	Address string `yaml:"address"`
}

// IngestConfig is the sensors' mutual-TLS endpoint.
type IngestConfig struct {
	Address string `yaml:"address"`
	// Hosts are the DNS names and IP addresses sensors use to reach the
	// server; they go into the server certificate.
	Hosts         []string      `yaml:"hosts"`
	MaxBatchBytes int64         `yaml:"max_batch_bytes"`
	TokenTTL      time.Duration `yaml:"token_ttl"`
}

// StoreConfig configures the embedded store (see embedded.Config); its
// directory is DataDir.
type StoreConfig struct {
	SizeCapPerSensor int64         `yaml:"size_cap_per_sensor"`
	RetentionDays    int           `yaml:"retention_days"`
	MinuteDays       int           `yaml:"minute_days"`
	BackupDir        string        `yaml:"backup_dir"`
	BackupEvery      time.Duration `yaml:"backup_every"`
	MaintainEvery    time.Duration `yaml:"maintain_every"`
	MemoryLimit      string        `yaml:"memory_limit"`
	WALSize          string        `yaml:"wal_size"`
	Threads          int           `yaml:"threads"`
}

// MailConfig is the outbox's delivery (internal/notify). Messages are
// always queued in the store's outbox; Transport "" leaves them there for
// another deliverer (one per outbox: two would send each message twice).
type MailConfig struct {
	// Transport is "smtp", "dir" (each message a .eml file in Dir) or ""
	// (no delivery by this server).
	Transport string `yaml:"transport"`
	// From is the sender, e.g. `otsight <noreply@example.jp>`.
	From string `yaml:"from"`
	// Dir is the directory of the dir transport; "" means DataDir/outbox.
	Dir       string        `yaml:"dir"`
	SMTP      SMTPConfig    `yaml:"smtp"`
	PollEvery time.Duration `yaml:"poll_every"`
}

// SMTPConfig is the mail relay (see notify.SMTPConfig).
type SMTPConfig struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// TLS is mandatory (STARTTLS), opportunistic, implicit (port 465) or
	// none.
	TLS     string        `yaml:"tls"`
	Timeout time.Duration `yaml:"timeout"`
	HELO    string        `yaml:"helo"`
}

// LimitsConfig holds the limits of SPEC section 6; a tenant created without
// its own values gets these.
type LimitsConfig struct {
	SensorsPerTenant int `yaml:"sensors_per_tenant"`
	UsersPerTenant   int `yaml:"users_per_tenant"`
	DevicesPerSensor int `yaml:"devices_per_sensor"`
}

// HealthConfig sets the thresholds of the sensor health checks.
type HealthConfig struct {
	// CheckEvery is how often the checks run.
	CheckEvery time.Duration `yaml:"check_every"`
	// SilenceAfter: a sensor that has not uploaded for this long is silent.
	SilenceAfter time.Duration `yaml:"silence_after"`
	// ClockSkew: a sensor clock further than this from the server's is
	// flagged.
	ClockSkew time.Duration `yaml:"clock_skew"`
	// StaleData: the newest data of a sensor older than this is a fault
	// (SPEC 5.6.1, portal data older than 4 h).
	StaleData time.Duration `yaml:"stale_data"`
	// TransferLag: a batch arriving this long after its window ended while
	// the sensor lost data is a slow transfer with loss (SPEC 5.6.1).
	TransferLag time.Duration `yaml:"transfer_lag"`
}

// InventoryConfig configures the device inventory.
type InventoryConfig struct {
	// SnapshotEvery is how often the inventory is written to the data
	// directory (and always on Stop).
	SnapshotEvery time.Duration `yaml:"snapshot_every"`
	// FoldInternet folds a sensor's global addresses into one device.
	FoldInternet bool `yaml:"fold_internet"`
}

// DefaultConfig returns a configuration that needs no file.
func DefaultConfig() Config {
	sc := embedded.DefaultConfig()
	nc := notify.DefaultConfig()
	return Config{
		DataDir: "/var/lib/otsight/server",
		Listen:  ListenConfig{Address: "127.0.0.1:8080"},
		Ingest: IngestConfig{
			Address:       ":8443",
			Hosts:         []string{"localhost"},
			MaxBatchBytes: ingest.DefaultConfig().MaxBatchBytes,
			TokenTTL:      ingest.DefaultTokenTTL,
		},
		Store: StoreConfig{
			SizeCapPerSensor: sc.SizeCapPerSensor,
			RetentionDays:    sc.RetentionDays,
			MinuteDays:       sc.MinuteDays,
			BackupDir:        sc.BackupDir,
			BackupEvery:      sc.BackupEvery,
			MaintainEvery:    sc.MaintainEvery,
			MemoryLimit:      sc.MemoryLimit,
			WALSize:          sc.WALSize,
			Threads:          sc.Threads,
		},
		Mail: MailConfig{
			From: nc.From,
			SMTP: SMTPConfig{
				Port: nc.SMTP.Port, TLS: string(nc.SMTP.TLS), Timeout: nc.SMTP.Timeout,
			},
			PollEvery: nc.PollEvery,
		},
		Limits: LimitsConfig{
			SensorsPerTenant: store.DefaultMaxSensors,
			UsersPerTenant:   store.DefaultMaxUsers,
			DevicesPerSensor: store.DefaultMaxDevicesPerSensor,
		},
		Health: HealthConfig{
			CheckEvery:   30 * time.Second,
			SilenceAfter: 10 * time.Minute,
			ClockSkew:    2 * time.Minute,
			StaleData:    4 * time.Hour,
			TransferLag:  time.Minute,
		},
		Inventory:       InventoryConfig{SnapshotEvery: 5 * time.Minute},
		ShutdownTimeout: 30 * time.Second,
	}
}

// notifyConfig is the mail configuration for this server.
func (c Config) notifyConfig() notify.Config {
	nc := notify.DefaultConfig()
	nc.Transport, nc.From, nc.Dir, nc.PollEvery = c.Mail.Transport, c.Mail.From, c.Mail.Dir, c.Mail.PollEvery
	if nc.Transport == notify.TransportDir && nc.Dir == "" {
		nc.Dir = filepath.Join(c.DataDir, "outbox")
	}
	m := c.Mail.SMTP
	nc.SMTP = notify.SMTPConfig{Host: m.Host, Port: m.Port, Username: m.Username, Password: m.Password,
		TLS: notify.TLSPolicy(m.TLS), Timeout: m.Timeout, HELO: m.HELO}
	return nc
}

// storeConfig is the embedded store's configuration for this server.
func (c Config) storeConfig() embedded.Config {
	return embedded.Config{
		Dir:              c.DataDir,
		SizeCapPerSensor: c.Store.SizeCapPerSensor,
		RetentionDays:    c.Store.RetentionDays,
		MinuteDays:       c.Store.MinuteDays,
		BackupDir:        c.Store.BackupDir,
		BackupEvery:      c.Store.BackupEvery,
		MaintainEvery:    c.Store.MaintainEvery,
		MemoryLimit:      c.Store.MemoryLimit,
		WALSize:          c.Store.WALSize,
		Threads:          c.Store.Threads,
	}
}
