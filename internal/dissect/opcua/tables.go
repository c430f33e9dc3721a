package opcua

import "strconv"

// service is one OPC UA service message, by the numeric id of its binary
// encoding node (OPC UA Part 6, NodeIds.csv "_Encoding_DefaultBinary").
type service struct {
	name     string
	response bool
}

// services lists the binary encoding ids of the standard service messages
// (OPC UA Part 4).
var services = map[uint32]service{
	397:   {"ServiceFault", true},
	422:   {"FindServersRequest", false},
	425:   {"FindServersResponse", true},
	428:   {"GetEndpointsRequest", false},
	431:   {"GetEndpointsResponse", true},
	437:   {"RegisterServerRequest", false},
	440:   {"RegisterServerResponse", true},
	446:   {"OpenSecureChannelRequest", false},
	449:   {"OpenSecureChannelResponse", true},
	452:   {"CloseSecureChannelRequest", false},
	455:   {"CloseSecureChannelResponse", true},
	461:   {"CreateSessionRequest", false},
	464:   {"CreateSessionResponse", true},
	467:   {"ActivateSessionRequest", false},
	470:   {"ActivateSessionResponse", true},
	473:   {"CloseSessionRequest", false},
	476:   {"CloseSessionResponse", true},
	479:   {"CancelRequest", false},
	482:   {"CancelResponse", true},
	488:   {"AddNodesRequest", false},
	491:   {"AddNodesResponse", true},
	494:   {"AddReferencesRequest", false},
	497:   {"AddReferencesResponse", true},
	500:   {"DeleteNodesRequest", false},
	503:   {"DeleteNodesResponse", true},
	506:   {"DeleteReferencesRequest", false},
	509:   {"DeleteReferencesResponse", true},
	527:   {"BrowseRequest", false},
	530:   {"BrowseResponse", true},
	533:   {"BrowseNextRequest", false},
	536:   {"BrowseNextResponse", true},
	554:   {"TranslateBrowsePathsToNodeIdsRequest", false},
	557:   {"TranslateBrowsePathsToNodeIdsResponse", true},
	560:   {"RegisterNodesRequest", false},
	563:   {"RegisterNodesResponse", true},
	566:   {"UnregisterNodesRequest", false},
	569:   {"UnregisterNodesResponse", true},
	615:   {"QueryFirstRequest", false},
	618:   {"QueryFirstResponse", true},
	621:   {"QueryNextRequest", false},
	624:   {"QueryNextResponse", true},
	631:   {"ReadRequest", false},
	634:   {"ReadResponse", true},
	664:   {"HistoryReadRequest", false},
	667:   {"HistoryReadResponse", true},
	673:   {"WriteRequest", false},
	676:   {"WriteResponse", true},
	700:   {"HistoryUpdateRequest", false},
	703:   {"HistoryUpdateResponse", true},
	712:   {"CallRequest", false},
	715:   {"CallResponse", true},
	751:   {"CreateMonitoredItemsRequest", false},
	754:   {"CreateMonitoredItemsResponse", true},
	763:   {"ModifyMonitoredItemsRequest", false},
	766:   {"ModifyMonitoredItemsResponse", true},
	769:   {"SetMonitoringModeRequest", false},
	772:   {"SetMonitoringModeResponse", true},
	775:   {"SetTriggeringRequest", false},
	778:   {"SetTriggeringResponse", true},
	781:   {"DeleteMonitoredItemsRequest", false},
	784:   {"DeleteMonitoredItemsResponse", true},
	787:   {"CreateSubscriptionRequest", false},
	790:   {"CreateSubscriptionResponse", true},
	793:   {"ModifySubscriptionRequest", false},
	796:   {"ModifySubscriptionResponse", true},
	799:   {"SetPublishingModeRequest", false},
	802:   {"SetPublishingModeResponse", true},
	826:   {"PublishRequest", false},
	829:   {"PublishResponse", true},
	832:   {"RepublishRequest", false},
	835:   {"RepublishResponse", true},
	841:   {"TransferSubscriptionsRequest", false},
	844:   {"TransferSubscriptionsResponse", true},
	847:   {"DeleteSubscriptionsRequest", false},
	850:   {"DeleteSubscriptionsResponse", true},
	12208: {"FindServersOnNetworkRequest", false},
	12209: {"FindServersOnNetworkResponse", true},
	12211: {"RegisterServer2Request", false},
	12212: {"RegisterServer2Response", true},
}

// Service ids the dissector looks into.
const (
	idServiceFault = 397
	idFindServers  = 425
	idGetEndpoints = 431
	idOpenRequest  = 446
	idOpenResponse = 449
)

// codes caches "MSG/631"-style codes per message type and service id; the
// table of known services is filled at start-up, others on first use.
type codeKey struct {
	typ string
	id  uint32
}

var knownCodes = map[codeKey]string{}

func init() {
	for id := range services {
		for _, t := range []string{"MSG", "OPN", "CLO"} {
			knownCodes[codeKey{t, id}] = t + "/" + strconv.FormatUint(uint64(id), 10)
		}
	}
}

// securityPolicies maps the policy URIs of OPC UA Part 7 to the names used
// in Detail; other URIs are reported as "other".
var securityPolicies = map[string]string{
	"http://opcfoundation.org/UA/SecurityPolicy#None":                  "None",
	"http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15":         "Basic128Rsa15",
	"http://opcfoundation.org/UA/SecurityPolicy#Basic256":              "Basic256",
	"http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256":        "Basic256Sha256",
	"http://opcfoundation.org/UA/SecurityPolicy#Aes128_Sha256_RsaOaep": "Aes128_Sha256_RsaOaep",
	"http://opcfoundation.org/UA/SecurityPolicy#Aes256_Sha256_RsaPss":  "Aes256_Sha256_RsaPss",
}

// securityModes names MessageSecurityMode values (Part 4, 7.20).
var securityModes = [4]string{"Invalid", "None", "Sign", "SignAndEncrypt"}

// applicationTypes names ApplicationType values (Part 4, 7.2) as asset roles.
var applicationTypes = [4]string{"OPC UA server", "OPC UA client", "OPC UA client and server", "OPC UA discovery server"}
