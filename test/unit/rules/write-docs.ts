// Regenerates docs/rules/EL*.md from the rule catalogue: node --import tsx test/unit/rules/write-docs.ts
import { writeFileSync } from 'node:fs';
import { rules } from '../../../src/core/rules';
import { ruleDocMarkdown } from '../../../src/core/rules/docs';

for (const r of rules) writeFileSync(`docs/rules/${r.id}.md`, ruleDocMarkdown(r));
console.log(`wrote ${rules.length} pages to docs/rules/`);
