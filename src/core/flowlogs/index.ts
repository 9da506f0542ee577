/**
 * Flow-log engine — the stable API for the other layers (CLI, editor, network sources).
 *
 * Formats
 *   parseLogFormat(logFormat: string): string[]        `${a} ${b}` (DescribeFlowLogs LogFormat) → field names
 *   parseFieldList(text: string): string[]              `--fields a,b` / `a b` / a LogFormat
 *   DEFAULT_FIELDS, V5_FIELDS, FIELD_CATALOGUE, fieldSpec(name), isKnownField(name),
 *   formatVersion(fields), protocolName(n), classifyFirstLine(line)
 *
 * Files (plain, .gz, Parquet; directories in the S3 layouts)
 *   aggregateFiles(paths: readonly string[], opts?: AggregateOptions): Promise<AggregateResult>
 *     opts: { fields?, window?: {start?, end?} (Unix s), signal?: AbortSignal,
 *             onProgress?: (p: {records, bytes, files}) => void, maxSkippedKept? (100),
 *             workers? (default: one per core when ≥ 2 files and ≥ 32 MB), aggregate? (true) }
 *     Rejects only on cancellation (with the signal's reason). Every other problem is data:
 *     `errors` (file-level: missing, unreadable, not a flow log, binary, truncated gzip) and
 *     `skipped` (line-level, first N kept; all counted in counts.skipped).
 *   aggregateToEngine(paths, opts?): Promise<{engine, files, bytes, filesSkippedByWindow, errors}>
 *     the same without making FlowAggregate objects (stream them with engine.table.iterate()).
 *   readRecords(paths, opts?): AsyncGenerator<FlowRecord | RecordsSummary>
 *     one object per record (AWS field names, numbers as numbers, `-` → null, `_file`, `_line`),
 *     then a final `{ _summary: true, counts, skipped, errors, ... }`.
 *
 * Lines (event sources such as CloudWatch: one message per event, known field list)
 *   createAggregator(opts?: { fields?, window?, maxSkippedKept? }): LineAggregator
 *     .addLine(text, file /* stream name *\/, line /* 1-based event index *\/, fields?)
 *     .counts (live)   .result(): AggregateResult
 *
 * S3 layouts (pure; shared with the S3 source for object keys)
 *   parseLogPath(pathOrKey): LogLocation {account, region, flowLogId, hive, start, end}
 *   mayOverlapWindow(pathOrKey, window, slack = 3600): boolean
 *   isLogFileName(name), dayPrefixes({account, region, window, hive?, base?}), parseStamp(stamp)
 *
 * Invariant everywhere: counts.parsed + counts.skipped + counts.nodata + counts.skipdata === counts.lines.
 * Transit Gateway records are parsed and counted (in `parsed`) but summarised apart in
 * `transitGateway`, never mixed into `aggregates` (which are interface flows, FlowAggregate).
 */
export {
  parseLogFormat,
  parseFieldList,
  DEFAULT_FIELDS,
  V5_FIELDS,
  FIELD_CATALOGUE,
  fieldSpec,
  isKnownField,
  formatVersion,
  protocolName,
  classifyFirstLine,
  normaliseFieldName,
  type FieldSpec,
  type FieldType,
} from './fields';
export {
  aggregateFiles,
  aggregateToEngine,
  createAggregator,
  readRecords,
  type AggregateOptions,
  type AggregateResult,
  type LineAggregator,
  type RecordsSummary,
} from './aggregate';
export { FlowEngine, type EngineOptions, type FlowRecord, type TransitGatewaySummary } from './engine';
export {
  parseLogPath,
  mayOverlapWindow,
  isLogFileName,
  dayPrefixes,
  parseStamp,
  DEFAULT_SLACK_SECONDS,
  type LogLocation,
  type TimeWindow,
} from './layout';
export { collectFiles, feedFile, type FileEntry, type CollectedFiles } from '../sources/files';
