package tcpfp

// Quirks is a set of the header oddities p0f records, one bit each.
type Quirks uint32

// Quirk bits, in the order p0f prints them.
const (
	QuirkDF       Quirks = 1 << iota // df: IPv4 don't-fragment set
	QuirkNZID                        // id+: DF set and IP ID non-zero
	QuirkZeroID                      // id-: DF clear and IP ID zero
	QuirkECN                         // ecn: ECN bits in IP or TCP header
	QuirkNZMBZ                       // 0+: IPv4 reserved flag bit set
	QuirkFlow                        // flow: IPv6 flow label non-zero
	QuirkZeroSeq                     // seq-: sequence number zero
	QuirkNZAck                       // ack+: ACK number non-zero without ACK flag
	QuirkZeroAck                     // ack-: ACK flag with ACK number zero
	QuirkNZUrg                       // uptr+: urgent pointer without URG flag
	QuirkURG                         // urgf+: URG flag set
	QuirkPush                        // pushf+: PSH flag set
	QuirkTS1Zero                     // ts1-: own timestamp zero
	QuirkTS2NZ                       // ts2+: peer timestamp non-zero on a SYN
	QuirkOptEOLNZ                    // opt+: non-zero bytes after EOL
	QuirkExWS                        // exws: window scale above 14
	QuirkOptBad                      // bad: malformed TCP options
	numQuirks     = iota
)

// quirkNames are the p0f spellings, indexed by bit number.
var quirkNames = [numQuirks]string{
	"df", "id+", "id-", "ecn", "0+", "flow",
	"seq-", "ack+", "ack-", "uptr+", "urgf+", "pushf+",
	"ts1-", "ts2+", "opt+", "exws", "bad",
}

// ipv4Only and ipv6Only are the quirks that exist for one IP version only.
const (
	ipv4Only = QuirkDF | QuirkNZID | QuirkZeroID | QuirkNZMBZ
	ipv6Only = QuirkFlow
)

// appendQuirks writes q in p0f's comma-separated form.
func appendQuirks(b []byte, q Quirks) []byte {
	first := true
	for i := range numQuirks {
		if q&(1<<i) == 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		b = append(b, quirkNames[i]...)
		first = false
	}
	return b
}

// quirkByName returns the bit of a p0f quirk name.
func quirkByName(s string) (Quirks, bool) {
	for i, n := range quirkNames {
		if n == s {
			return 1 << i, true
		}
	}
	return 0, false
}
