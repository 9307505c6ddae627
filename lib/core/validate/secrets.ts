/**
 * Credentials must never reach dist/ (it is committed to git and synced by Argo CD). They are caught by the name
 * of the key (`DB_PASSWORD`) and by the shape of the value (a URL carrying a password or token).
 */

/** Key names that announce a credential. */
const CREDENTIAL_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|CREDENTIAL|PRIVATE_?KEY)/i;

/** `scheme://userinfo@` anywhere in a value (also inside `jdbc:mysql://…` or a longer string). */
// Bounded repeats: a long value (a 1 MiB config) must not make the regex backtrack quadratically.
const URL_USERINFO = /([a-z][a-z0-9+.-]{0,31}):\/\/([^\s/?#@]{0,1024})@/gi;
/** A credential passed as a query or DSN parameter: `?password=…`, `;pwd=…`, `&token=…`. */
const CREDENTIAL_PARAMETER = /(^|[?&;\s])(password|passwd|pwd|secret|token|access_?token|api_?key)=[^&;\s]+/i;

/** Whether a key name looks like it holds a credential. */
export function looksLikeCredentialName(key: string): boolean {
  return CREDENTIAL_NAME.test(key);
}

/**
 * Why a value carries a credential, or `undefined`. A password in a URL's userinfo (`mysql://app:pw@db`) always
 * counts; on http(s) any userinfo does, because tokens travel as the user name (`https://<token>@git.host/…`). A bare
 * ssh/git account name (`ssh://git@host/…`) is not a secret and passes.
 */
export function credentialInValue(value: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  for (const match of value.matchAll(URL_USERINFO)) {
    const [, scheme, userinfo] = match;
    if (userinfo.includes(':')) return `a ${scheme}:// URL with a password in it (user:password@)`;
    if (/^https?$/i.test(scheme) && userinfo !== '') return `an ${scheme}:// URL with a user name or token in it (…@)`;
  }
  const parameter = CREDENTIAL_PARAMETER.exec(value);
  if (parameter) return `a ${parameter[2]}= parameter`;
  return undefined;
}

/** The value with the secret parts masked, so an error message never prints the credential it refuses. */
export function redactCredentials(value: string): string {
  return value
    .replace(URL_USERINFO, (_all, scheme: string, userinfo: string) => `${scheme}://${userinfo.includes(':') ? `${userinfo.split(':')[0]}:***` : '***'}@`)
    .replace(new RegExp(CREDENTIAL_PARAMETER.source, 'gi'), (_all, lead: string, name: string) => `${lead}${name}=***`);
}

/** `field: "<redacted>" is <reason>, and dist/ is committed to git; <fix>` when the value carries a credential. */
export function credentialProblem(value: unknown, field: string, fix: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const reason = credentialInValue(value);
  return reason === undefined ? undefined : `${field}: ${JSON.stringify(redactCredentials(value))} is ${reason}, and dist/ is committed to git; ${fix}`;
}
