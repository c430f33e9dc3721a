package mms

// pduNames are the MMSpdu CHOICE alternatives (ISO 9506-2).
var pduNames = [numPDUTypes]string{
	"confirmed-Request", "confirmed-Response", "confirmed-Error", "unconfirmed",
	"reject", "cancel-Request", "cancel-Response", "cancel-Error",
	"initiate-Request", "initiate-Response", "initiate-Error",
	"conclude-Request", "conclude-Response", "conclude-Error",
}

// serviceNames are the ConfirmedServiceRequest/Response alternatives by
// tag number (ISO 9506-2 clause 7).
var serviceNames = [...]string{
	"status", "getNameList", "identify", "rename", "read", "write",
	"getVariableAccessAttributes", "defineNamedVariable", "defineScatteredAccess",
	"getScatteredAccessAttributes", "deleteVariableAccess", "defineNamedVariableList",
	"getNamedVariableListAttributes", "deleteNamedVariableList", "defineNamedType",
	"getNamedTypeAttributes", "deleteNamedType", "input", "output", "takeControl",
	"relinquishControl", "defineSemaphore", "deleteSemaphore", "reportSemaphoreStatus",
	"reportPoolSemaphoreStatus", "reportSemaphoreEntryStatus", "initiateDownloadSequence",
	"downloadSegment", "terminateDownloadSequence", "initiateUploadSequence",
	"uploadSegment", "terminateUploadSequence", "requestDomainDownload",
	"requestDomainUpload", "loadDomainContent", "storeDomainContent", "deleteDomain",
	"getDomainAttributes", "createProgramInvocation", "deleteProgramInvocation",
	"start", "stop", "resume", "reset", "kill", "getProgramInvocationAttributes",
	"obtainFile", "defineEventCondition", "deleteEventCondition",
	"getEventConditionAttributes", "reportEventConditionStatus",
	"alterEventConditionMonitoring", "triggerEvent", "defineEventAction",
	"deleteEventAction", "getEventActionAttributes", "reportEventActionStatus",
	"defineEventEnrollment", "deleteEventEnrollment", "alterEventEnrollment",
	"reportEventEnrollmentStatus", "getEventEnrollmentAttributes",
	"acknowledgeEventNotification", "getAlarmSummary", "getAlarmEnrollmentSummary",
	"readJournal", "writeJournal", "initializeJournal", "reportJournalStatus",
	"createJournal", "deleteJournal", "getCapabilityList", "fileOpen", "fileRead",
	"fileClose", "fileRename", "fileDelete", "fileDirectory",
}

// unconfirmedNames are the UnconfirmedService alternatives.
var unconfirmedNames = [...]string{"informationReport", "unsolicitedStatus", "eventNotification"}
