package dns

// Resource record types the dissector interprets.
const (
	typeA     = 1
	typeNS    = 2
	typeCNAME = 5
	typeSOA   = 6
	typePTR   = 12
	typeHINFO = 13
	typeMX    = 15
	typeTXT   = 16
	typeAAAA  = 28
	typeNB    = 32 // NetBIOS general name service record
	typeSRV   = 33 // NBSTAT in NBNS
	typeDNAME = 39
)

// codes are the message code strings, by opcode (decimal, as tshark's
// dns.flags.opcode).
var codes = [16]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"}

// codeMalformed is the code of a message too short for its header.
const codeMalformed = "malformed"

// opcodeName names DNS opcodes (IANA DNS parameters registry).
func opcodeName(op uint8) string {
	switch op {
	case 0:
		return "query"
	case 1:
		return "inverse query"
	case 2:
		return "status"
	case 4:
		return "notify"
	case 5:
		return "update"
	case 6:
		return "dso"
	}
	return "unassigned"
}

// nbnsOpcodeName names NetBIOS name service opcodes (RFC 1002 4.2.1.1;
// 9 is the refresh code most implementations actually send).
func nbnsOpcodeName(op uint8) string {
	switch op {
	case 0:
		return "name query"
	case 5:
		return "registration"
	case 6:
		return "release"
	case 7:
		return "wack"
	case 8, 9:
		return "refresh"
	case 15:
		return "multi-homed registration"
	}
	return "unassigned"
}

// rcodeName names DNS response codes with Zeek's spellings.
func rcodeName(rc uint8) string {
	switch rc {
	case 0:
		return "NOERROR"
	case 1:
		return "FORMERR"
	case 2:
		return "SERVFAIL"
	case 3:
		return "NXDOMAIN"
	case 4:
		return "NOTIMP"
	case 5:
		return "REFUSED"
	case 6:
		return "YXDOMAIN"
	case 7:
		return "YXRRSET"
	case 8:
		return "NXRRSET"
	case 9:
		return "NOTAUTH"
	case 10:
		return "NOTZONE"
	}
	return "unassigned"
}

// nbnsRcodeName names NetBIOS name service response codes (RFC 1002).
func nbnsRcodeName(rc uint8) string {
	switch rc {
	case 0:
		return "OK"
	case 1:
		return "FMT_ERR"
	case 2:
		return "SRV_ERR"
	case 3:
		return "NAM_ERR"
	case 4:
		return "IMP_ERR"
	case 5:
		return "RFS_ERR"
	case 6:
		return "ACT_ERR"
	case 7:
		return "CFT_ERR"
	}
	return "unassigned"
}

// qtypeName names record types (IANA registry mnemonics); "" when unknown.
func qtypeName(t uint16, nbns bool) string {
	if nbns {
		switch t {
		case typeNB:
			return "NB"
		case typeSRV:
			return "NBSTAT"
		}
	}
	switch t {
	case typeA:
		return "A"
	case typeNS:
		return "NS"
	case typeCNAME:
		return "CNAME"
	case typeSOA:
		return "SOA"
	case typePTR:
		return "PTR"
	case typeHINFO:
		return "HINFO"
	case typeMX:
		return "MX"
	case typeTXT:
		return "TXT"
	case typeAAAA:
		return "AAAA"
	case typeSRV:
		return "SRV"
	case 35:
		return "NAPTR"
	case typeDNAME:
		return "DNAME"
	case 41:
		return "OPT"
	case 43:
		return "DS"
	case 46:
		return "RRSIG"
	case 47:
		return "NSEC"
	case 48:
		return "DNSKEY"
	case 50:
		return "NSEC3"
	case 64:
		return "SVCB"
	case 65:
		return "HTTPS"
	case 99:
		return "SPF"
	case 251:
		return "IXFR"
	case 252:
		return "AXFR"
	case 255:
		return "*"
	case 257:
		return "CAA"
	}
	return ""
}

// qclassName names classes with Zeek's spellings.
func qclassName(c uint16) string {
	switch c {
	case 1:
		return "C_INTERNET"
	case 3:
		return "C_CHAOS"
	case 4:
		return "C_HESIOD"
	case 254:
		return "C_NONE"
	case 255:
		return "C_ANY"
	}
	return ""
}

// nbnsServiceType names the service a NetBIOS name's 16th byte stands for,
// with the public sensor's table.
func nbnsServiceType(suffix byte) string {
	switch suffix {
	case 0x00:
		return "Workstation"
	case 0x01:
		return "Master Browser"
	case 0x03:
		return "Messenger"
	case 0x06:
		return "RAS Server"
	case 0x1b:
		return "Domain Master Browser"
	case 0x1c:
		return "Domain Controllers"
	case 0x1d:
		return "Master Browser"
	case 0x1e:
		return "Browser Service Elections"
	case 0x1f:
		return "NetDDE"
	case 0x20:
		return "Server"
	case 0x21:
		return "RAS Client"
	case 0xbe:
		return "Network Monitor Agent"
	case 0xbf:
		return "Network Monitor Application"
	}
	return "Unknown"
}
