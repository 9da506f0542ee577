/**
 * S3 delivery layouts of VPC flow logs (DOMAIN.md §2), pure string functions shared by the local
 * directory walker and the S3 source (object keys):
 *
 *   plain: AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/[{hh}/]file
 *   Hive:  AWSLogs/aws-account-id={a}/aws-service=vpcflowlogs/aws-region={r}/year={y}/month={m}/day={d}/[hour={h}/]file
 *   file:  {account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz (or .parquet)
 *
 * Account, region and time come from the path; the time decides whether a file (or a whole
 * directory/prefix) can hold records of a requested window, so files outside it are skipped
 * without being opened. All times are Unix seconds (UTC).
 */

export interface LogLocation {
  account: string | null;
  region: string | null;
  flowLogId: string | null;
  hive: boolean;
  /** Time range the path pins down: the file name's timestamp (a point) or the year/month/day/hour prefix. */
  start: number | null;
  /** Exclusive end of that range (= start for a file-name timestamp). */
  end: number | null;
}

/** How far records in a file may lie from its path time (aggregation interval + delivery delay). */
export const DEFAULT_SLACK_SECONDS = 3600;

const FILE_RE = /^(\d{12})_vpcflowlogs_([a-z0-9-]+)_([A-Za-z0-9-]+)_(\d{8}T\d{4}Z)_([A-Za-z0-9]+)\./;

const int = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);

/** UTC seconds of a YYYYMMDDTHHmmZ stamp, or null when it is not one. */
export function parseStamp(stamp: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z$/.exec(stamp);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  return Date.UTC(y, mo - 1, d, h, mi) / 1000;
}

function rangeOf(y: number | null, mo: number | null, d: number | null, h: number | null): [number, number] | null {
  if (y === null || y < 1970 || y > 9999) return null;
  if (mo === null || mo < 1 || mo > 12) return [Date.UTC(y, 0, 1) / 1000, Date.UTC(y + 1, 0, 1) / 1000];
  if (d === null || d < 1 || d > 31) return [Date.UTC(y, mo - 1, 1) / 1000, Date.UTC(y, mo, 1) / 1000];
  if (h === null || h > 23) return [Date.UTC(y, mo - 1, d) / 1000, Date.UTC(y, mo - 1, d + 1) / 1000];
  const s = Date.UTC(y, mo - 1, d, h) / 1000;
  return [s, s + 3600];
}

/**
 * Reads a path or S3 key (a file, or a directory/prefix part of one). Never throws; fields it
 * cannot find are null. Works with `/` or `\` separators and any leading bucket/base path.
 */
export function parseLogPath(path: string): LogLocation {
  const segs = path.split(/[\\/]+/).filter((s) => s.length > 0);
  const loc: LogLocation = { account: null, region: null, flowLogId: null, hive: false, start: null, end: null };
  let y: number | null = null;
  let mo: number | null = null;
  let d: number | null = null;
  let h: number | null = null;
  const hiveVal = (key: string) => {
    const seg = segs.find((s) => s.startsWith(`${key}=`));
    return seg === undefined ? undefined : seg.slice(key.length + 1);
  };
  if (segs.some((s) => s === 'aws-service=vpcflowlogs')) {
    loc.hive = true;
    loc.account = hiveVal('aws-account-id') ?? null;
    loc.region = hiveVal('aws-region') ?? null;
    y = int(hiveVal('year'));
    mo = int(hiveVal('month'));
    d = int(hiveVal('day'));
    h = int(hiveVal('hour'));
  } else {
    const k = segs.lastIndexOf('vpcflowlogs');
    if (k >= 0) {
      if (k > 0 && /^\d{12}$/.test(segs[k - 1])) loc.account = segs[k - 1];
      const rest = segs.slice(k + 1);
      if (rest.length > 0 && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(rest[0])) loc.region = rest[0];
      const dateSeg = (i: number, len: number) =>
        rest[i] !== undefined && new RegExp(`^\\d{${len}}$`).test(rest[i]) ? Number(rest[i]) : null;
      y = dateSeg(1, 4);
      if (y !== null) mo = dateSeg(2, 2);
      if (mo !== null) d = dateSeg(3, 2);
      if (d !== null) h = dateSeg(4, 2);
    }
  }
  const range = rangeOf(y, mo, d, h);
  if (range) [loc.start, loc.end] = range;
  const name = segs[segs.length - 1] ?? '';
  const fm = FILE_RE.exec(name);
  if (fm) {
    loc.account ??= fm[1];
    loc.region ??= fm[2];
    loc.flowLogId = fm[3];
    const t = parseStamp(fm[4]);
    if (t !== null) {
      loc.start = t;
      loc.end = t;
    }
  }
  return loc;
}

export interface TimeWindow {
  start?: number;
  end?: number;
}

/**
 * False only when the path's time proves it holds no record of the window (± slack). Paths with
 * no time in them always may overlap.
 */
export function mayOverlapWindow(path: string, window: TimeWindow | undefined, slack = DEFAULT_SLACK_SECONDS): boolean {
  if (!window || (window.start === undefined && window.end === undefined)) return true;
  const loc = parseLogPath(path);
  if (loc.start === null || loc.end === null) return true;
  if (window.start !== undefined && loc.end + slack < window.start) return false;
  if (window.end !== undefined && loc.start - slack > window.end) return false;
  return true;
}

/** True when the name is a flow-log data file (by extension); other files in a tree are ignored. */
export function isLogFileName(name: string): boolean {
  return /\.(log|txt|gz|parquet)$/i.test(name);
}

/**
 * The day prefixes under which a window's objects lie, for listing S3 without scanning a whole
 * bucket: `{base}AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/` (or the Hive form).
 * Days are widened by the slack. At most `maxDays` prefixes; null when the window is open-ended
 * or longer (list the region prefix instead).
 */
export function dayPrefixes(opts: {
  base?: string;
  account: string;
  region: string;
  window: TimeWindow;
  hive?: boolean;
  slack?: number;
  maxDays?: number;
}): string[] | null {
  const { window } = opts;
  if (window.start === undefined || window.end === undefined) return null;
  const slack = opts.slack ?? DEFAULT_SLACK_SECONDS;
  const first = Math.floor((window.start - slack) / 86400);
  const last = Math.floor((window.end + slack) / 86400);
  if (last - first + 1 > (opts.maxDays ?? 62)) return null;
  const base = opts.base ?? '';
  const out: string[] = [];
  for (let day = first; day <= last; day++) {
    const dt = new Date(day * 86400 * 1000);
    const y = String(dt.getUTCFullYear());
    const m = String(dt.getUTCMonth() + 1).padStart(2, '0');
    const d = String(dt.getUTCDate()).padStart(2, '0');
    out.push(
      opts.hive
        ? `${base}AWSLogs/aws-account-id=${opts.account}/aws-service=vpcflowlogs/aws-region=${opts.region}/year=${y}/month=${m}/day=${d}/`
        : `${base}AWSLogs/${opts.account}/vpcflowlogs/${opts.region}/${y}/${m}/${d}/`,
    );
  }
  return out;
}
