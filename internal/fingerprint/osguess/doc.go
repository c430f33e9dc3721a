// Package osguess estimates a device's operating system from what it sends
// on the network: TCP SYN and SYN+ACK fingerprints, DHCP and DHCPv6
// requests, CIFS browser announcements, SMB session setup strings, the
// NTLMSSP version block, HTTP User-Agent and Server headers, SSDP headers,
// LLDP and CDP system descriptions and other self-descriptions.
//
// Each classifier is a pure function from observed values to zero or more
// Candidates, each with a confidence in 0..1 and the reason in words. The
// classifiers take plain values, not records, so that any dissector (or a
// test) can feed them. Combine merges the candidates of one device's
// Evidence into a single answer.
//
// # Combination rule
//
// Combine works in four steps, all deterministic (the evidence is sorted
// first, so the order of the input does not matter):
//
//  1. Every Evidence item is classified (Classify). How often a value was
//     seen (Count) does not raise its confidence: a device repeating the
//     same DHCP request is one observation, not many.
//     Candidates one item gives for the same family (a DHCP vendor class
//     and its parameter list) are merged into one: the higher confidence,
//     the products both allow.
//  2. Per source and family only the strongest candidate is kept: two
//     HTTP User-Agents from the same host are not independent witnesses.
//  3. Family level: the score of a family is the noisy-OR
//     1 − Π(1 − cᵢ) of the kept candidates whose family is compatible with
//     it (the same family, an ancestor or a descendant: a Linux candidate
//     supports Android and the other way round). The family with the
//     highest score wins; on a tie the more specific family wins (Android
//     over Linux), then the name. The answer then descends to the
//     best-scoring descendant with support, as long as there is one, so
//     that Linux and BSD are weighed against each other rather than both
//     hiding under Unix-like. The strongest family incompatible with the
//     answer is the rival; the confidence is S_best × (1 − S_rival/2),
//     and every incompatible candidate is listed as a conflict.
//  4. Product level: the winning family's candidates that name products are
//     taken by confidence (then specificity: fewer alternatives first) and
//     their alternatives intersected. Two products agree when every field
//     (name, version, edition, kernel) is equal or empty on one side; the
//     intersection keeps the more precise fields. A candidate whose
//     alternatives share nothing with what is left is not used for the
//     product, is listed as a conflict, and multiplies the confidence by
//     (1 − c/4): the family is still right, the version is in doubt.
//
// What is left is the answer: one product when the evidence pins it down
// ("Windows 10 1809"), several when it cannot tell them apart ("Windows 10
// 1809 / Server 2019"), none when only the family is known.
package osguess
