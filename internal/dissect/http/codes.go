package http

import "strconv"

// statusCodes holds the Code string of every three-digit status, so that a
// response's message needs no allocation.
var statusCodes [1000]string

func init() {
	for i := 100; i < len(statusCodes); i++ {
		statusCodes[i] = strconv.Itoa(i)
	}
}

// reasons are the standard reason phrases (RFC 9110 section 15), the
// Function of a response message; other codes use their class.
var reasons = map[int]string{
	100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints",
	200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information",
	204: "No Content", 205: "Reset Content", 206: "Partial Content", 207: "Multi-Status",
	300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other",
	304: "Not Modified", 305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect",
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
	404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
	407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict",
	410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large",
	414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
	417: "Expectation Failed", 421: "Misdirected Request", 422: "Unprocessable Content",
	426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
	431: "Request Header Fields Too Large",
	500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
	503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
	511: "Network Authentication Required",
}

// classes name the status classes, for codes without a standard phrase.
var classes = [10]string{"", "Informational", "Successful", "Redirection", "Client Error",
	"Server Error", "Status 6xx", "Status 7xx", "Status 8xx", "Status 9xx"}

// reason returns the Function of a response with status code.
func reason(code int) string {
	if r, ok := reasons[code]; ok {
		return r
	}
	return classes[code/100]
}
