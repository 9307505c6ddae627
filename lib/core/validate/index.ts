/**
 * The validators of Platform Kit, one per rule. The config loader (with the platform.yaml path of the field) and
 * the constructs (with the prop's name) call the same ones, so a value is judged and explained the same way on both
 * paths.
 */
export type { Rule } from './rule';
export { problemOf, requireValid, rule } from './rule';
export { DNS_LABEL, DNS_SUBDOMAIN, FULLY_QUALIFIED_NAME, isDnsLabel, isDnsSubdomain, isFullyQualifiedName, isObjectKey, OBJECT_KEY } from './dns';
export { IPV4_ADDRESS, IPV4_CIDR, isIpv4, isIpv4Cidr, parseCidr, parseIp } from './ip';
export { IMAGE_REPOSITORY, IMAGE_TAG, imageProblems, requirePinnedImage } from './image';
export { credentialInValue, credentialProblem, looksLikeCredentialName, redactCredentials } from './secrets';
export { CRON_SCHEDULE, isCronSchedule } from './cron';
export { isTimeZone, TIME_ZONE, timeZoneGuesses, timeZoneProblem } from './time-zone';
export { CONFIG_MAP_MAX_BYTES, configMapDataBytes, configMapSizeProblem } from './configmap';
