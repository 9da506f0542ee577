/** The documentation page of a rule (docs/rules/<id>.md), generated from its metadata and examples. */
import type { RuleDefinition } from './types';

export function ruleDocMarkdown(r: RuleDefinition): string {
  const ex = r.examples;
  const parts = [
    `# ${r.id} — ${r.title}`,
    '',
    `**Default severity:** ${r.severity}  `,
    `**Equivalent checks:** ${r.references.length ? r.references.map((x) => '`' + x + '`').join(', ') : 'none (Egress Lens only)'}`,
    '',
    '## Why it matters',
    '',
    r.rationale,
    '',
    '## How to fix',
    '',
    r.remediation,
    '',
    '## Examples',
    '',
    '### Terraform — flagged',
    '',
    '```hcl',
    ex.terraform.bad,
    '```',
    '',
    '### Terraform — fine',
    '',
    '```hcl',
    ex.terraform.good,
    '```',
    '',
  ];
  if (ex.cloudformation) {
    parts.push('### CloudFormation — flagged', '', '```yaml', ex.cloudformation.bad.trimEnd(), '```', '', '### CloudFormation — fine', '', '```yaml', ex.cloudformation.good.trimEnd(), '```', '');
  } else if (ex.note) parts.push('### CloudFormation', '', ex.note, '');
  parts.push(
    '## Configure or suppress',
    '',
    `- Change the severity: \`egress-lens scan --severity ${r.id}=low\` (or the \`egressLens.rules.severity\` setting).`,
    `- Turn it off: \`egress-lens scan --disable ${r.id}\`.`,
    `- Suppress one place, with a reason shown in the report: \`# egress-lens:ignore ${r.id} <reason>\` on the line above the block (or inside it) in Terraform; in Terraform JSON (\`.tf.json\`, no comments) a property \`"//": "egress-lens:ignore ${r.id} <reason>"\` inside the resource (or the rule block); in CloudFormation add to the resource`,
    '',
    '```yaml',
    '    Metadata:',
    '      egress-lens:',
    '        ignore:',
    `          - id: ${r.id}`,
    '            reason: <why this is fine>',
    '```',
    '',
    'These examples are the rule\'s tests (test/unit/rules/catalogue.test.ts): the flagged ones must produce a finding, the fine ones none.',
    '',
  );
  return parts.join('\n');
}
