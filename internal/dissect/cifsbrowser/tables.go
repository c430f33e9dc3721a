package cifsbrowser

import "github.com/otsight/otsight/internal/dissect"

// Browser opcodes (MS-BRWS 2.2).
const (
	opHostAnnouncement        = 0x01
	opAnnouncementRequest     = 0x02
	opRequestElection         = 0x08
	opGetBackupListRequest    = 0x09
	opGetBackupListResponse   = 0x0a
	opBecomeBackup            = 0x0b
	opDomainAnnouncement      = 0x0c
	opMasterAnnouncement      = 0x0d
	opResetStateRequest       = 0x0e
	opLocalMasterAnnouncement = 0x0f
)

// opcode describes one browser opcode: its name and message direction.
type opcode struct {
	name string
	dir  dissect.MsgDir
}

// opcodes are the MS-BRWS opcodes, by value; an empty name is unknown.
var opcodes = [16]opcode{
	opHostAnnouncement:        {"host_announcement", dissect.Indication},
	opAnnouncementRequest:     {"announcement_request", dissect.Request},
	opRequestElection:         {"request_election", dissect.Indication},
	opGetBackupListRequest:    {"get_backup_list_request", dissect.Request},
	opGetBackupListResponse:   {"get_backup_list_response", dissect.Response},
	opBecomeBackup:            {"become_backup", dissect.Request},
	opDomainAnnouncement:      {"domain_announcement", dissect.Indication},
	opMasterAnnouncement:      {"master_announcement", dissect.Indication},
	opResetStateRequest:       {"reset_state_request", dissect.Request},
	opLocalMasterAnnouncement: {"local_master_announcement", dissect.Indication},
}

// codes are the decimal code strings of the opcodes 0-255.
var codes = func() (c [256]string) {
	for i := range c {
		c[i] = itoa(i)
	}
	return c
}()

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

const codeMalformed = "malformed"

// serverTypes names the SV_TYPE bits of an announcement's server type
// (MS-RAP 2.5.5.2.1; the bit positions are the same in MS-BRWS).
var serverTypes = [32]string{
	0: "workstation", 1: "server", 2: "sql_server", 3: "domain_controller",
	4: "backup_domain_controller", 5: "time_source", 6: "apple", 7: "novell",
	8: "domain_member", 9: "print_queue_server", 10: "dialin_server", 11: "xenix_server",
	12: "nt_workstation", 13: "wfw", 14: "server_mfpn", 15: "nt_server",
	16: "potential_browser", 17: "backup_browser", 18: "master_browser", 19: "domain_master_browser",
	20: "osf", 21: "vms", 22: "windows", 23: "dfs",
	24: "cluster_nt", 25: "terminal_server", 26: "cluster_vs_nt", 28: "dce",
	29: "alternate_xport", 30: "local_list_only", 31: "domain_enum",
}

func serverTypeNames(t uint32) []string {
	var out []string
	for i, n := range serverTypes {
		if t&(1<<i) != 0 && n != "" {
			out = append(out, n)
		}
	}
	return out
}

// role summarises an announcing host's server type for asset_id.
func role(t uint32) string {
	switch {
	case t&(1<<3|1<<4) != 0:
		return "domain controller"
	case t&(1<<15) != 0:
		return "server"
	case t&(1<<0) != 0:
		return "workstation"
	}
	return ""
}
