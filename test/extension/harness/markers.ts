// Lines test/extension/suite/index.ts prints around mocha's output in the extension host, and the
// runners look for: mocha's output lies between them; the result line sums several runs.
export const START_MARKER = '[egress-lens-test-start]';
export const RESULT_MARKER = '[egress-lens-test-result]';

export interface GroupResult {
  group: string;
  passes: number;
  failures: number;
  pending: number;
}
