/**
 * Structured log lines for the output channel, with secrets removed. Anything that looks like a
 * credential is replaced before it reaches the log, whatever the caller passed.
 */

const SECRET_KEY = /secret|password|passwd|token|credential|session|authorization|signature|access_?key/i;
const SECRET_VALUE = [
  /\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b/g, // access key ids
  // secret access keys: exactly 40 base64 characters standing alone, mixed case with a digit
  /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+=]*[a-z])(?=[A-Za-z0-9/+=]*[A-Z])(?=[A-Za-z0-9/+=]*[0-9])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g,
  /(X-Amz-(?:Security-Token|Credential|Signature)=)[^&\s]+/gi,
];

export function redactText(text: string): string {
  let out = text;
  for (const re of SECRET_VALUE) {
    out = out.replace(re, (m, g1) => (typeof g1 === 'string' && m.startsWith(g1) && g1.endsWith('=') ? `${g1}[redacted]` : '[redacted]'));
  }
  return out;
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Error) return JSON.stringify(v.message);
  try {
    return JSON.stringify(v);
  } catch {
    return '[unserialisable]';
  }
}

/** `event key=value key2="two words"` with secret-looking keys dropped and values scrubbed. */
export function formatLogLine(event: string, fields: Record<string, unknown> = {}): string {
  const parts = [event];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    parts.push(SECRET_KEY.test(k) ? `${k}=[redacted]` : `${k}=${valueText(v)}`);
  }
  return redactText(parts.join(' '));
}
