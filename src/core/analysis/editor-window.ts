/**
 * The `egressLens.window` setting: "auto", a duration back from now ("90m", "24h", "7d"), or an
 * ISO 8601 interval "2026-11-01T00:00Z/2026-11-02T00:00Z". Times are Unix seconds like the core.
 */

export type WindowSpec =
  | { kind: 'auto' }
  | { kind: 'relative'; seconds: number; text: string }
  | { kind: 'absolute'; start: number; end: number; text: string };

export interface WindowParse {
  spec: WindowSpec;
  /** Set when the text was not understood; `spec` is then `auto`. */
  problem?: string;
}

const UNIT: Record<string, number> = { m: 60, h: 3600, d: 86400, w: 604800 };

export function parseWindow(text: string | undefined): WindowParse {
  const t = (text ?? '').trim();
  if (!t || t.toLowerCase() === 'auto' || t.toLowerCase() === 'all') return { spec: { kind: 'auto' } };
  const rel = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i.exec(t);
  if (rel) {
    const seconds = Number(rel[1]) * UNIT[rel[2].toLowerCase()];
    if (seconds > 0) return { spec: { kind: 'relative', seconds, text: t } };
  }
  const parts = t.split('/');
  if (parts.length === 2) {
    const start = Date.parse(parts[0]);
    const end = Date.parse(parts[1]);
    if (!Number.isNaN(start) && !Number.isNaN(end) && end > start) {
      return { spec: { kind: 'absolute', start: Math.floor(start / 1000), end: Math.floor(end / 1000), text: t } };
    }
  }
  return {
    spec: { kind: 'auto' },
    problem: `egressLens.window "${t}" is not understood: use "auto", a duration such as "24h" or "7d", or an ISO interval "2026-11-01T00:00Z/2026-11-02T00:00Z".`,
  };
}

export interface TimeWindow {
  start: number;
  end: number;
}

/**
 * The concrete window: relative windows end now; `auto` means "the data's own span" for files and
 * `autoSeconds` back from now (default 24 h) for live sources such as CloudWatch.
 */
export function resolveWindow(spec: WindowSpec, nowSeconds: number, autoSeconds = 86400): TimeWindow {
  switch (spec.kind) {
    case 'absolute':
      return { start: spec.start, end: spec.end };
    case 'relative':
      return { start: nowSeconds - spec.seconds, end: nowSeconds };
    default:
      return { start: nowSeconds - autoSeconds, end: nowSeconds };
  }
}
