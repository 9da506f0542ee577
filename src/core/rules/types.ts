/**
 * What a rule is: metadata (id, title, default severity, rationale, remediation, peer check ids,
 * good/bad examples in both formats) and a check over the normalised IacModel. Rules never see
 * syntax, so one rule covers Terraform and CloudFormation.
 */
import type { Severity, SourceRange } from '../model/flows';
import type { IacModel, SecurityGroupModel } from '../iac/model';

export interface RuleExamples {
  /** Terraform: `bad` must produce a finding of this rule, `good` none. */
  terraform: { good: string; bad: string };
  /** CloudFormation YAML; null when the format cannot express the case (say why in `note`). */
  cloudformation: { good: string; bad: string } | null;
  note?: string;
}

export interface RawFinding {
  message: string;
  file: string;
  range: SourceRange;
  resource: string;
  elementIds: string[];
  groupId?: string;
  sgRuleId?: string;
  sourceId?: string;
  /** A per-finding severity below/above the rule's default (e.g. EL004: 80/443 are info). */
  severity?: Severity;
  /** The peer checks this finding matches (the ports it covers); default: the rule's catalogue list. */
  references?: string[];
}

export interface RuleContext {
  groupsById: Map<string, SecurityGroupModel>;
  /** NAT gateway processing price, USD per GB (from the pricing data). */
  natPerGbUsd: number;
  /** Gateway endpoint price per GB (free). */
  gatewayEndpointPerGbUsd: number;
}

export interface RuleDefinition {
  id: string;
  title: string;
  severity: Severity;
  /** Why it matters, in plain words (hovers use it). */
  rationale: string;
  /** What to do about it. */
  remediation: string;
  /** Equivalent checks in Checkov (CKV_*), Trivy (AWS-*), cfn_nag (W*, F*), cfn-lint (`cfn-lint:E*`), Prowler (`prowler:*`). */
  references: string[];
  examples: RuleExamples;
  check(model: IacModel, ctx: RuleContext): RawFinding[];
}
