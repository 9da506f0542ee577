/**
 * Test helper: writes a Terraform HCL text in Terraform's JSON syntax, so HCL fixtures and the
 * rules' examples can be checked through the JSON front end. Reads the HCL with the project's own
 * parser (every block in full), turns expressions into "${…}" templates, variable defaults and
 * .tfvars values into literal JSON, and `# egress-lens:ignore` comments into "//" properties of
 * the block they cover. `arrays` writes every body as an array of objects (the array form).
 */
import { parseTerraform, type HclBlock } from '../../../src/core/iac/terraform/parser';
import { terraformSuppressions } from '../../../src/core/iac/terraform/extract';
import type { SourceRange } from '../../../src/core/model/flows';
import { valText, type Val } from '../../../src/core/iac/value';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

const key = (r: SourceRange): string => `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;

/** A literal string in a template: `${` and `%{` escaped. */
const escapeTemplate = (s: string): string => s.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');

/**
 * A value as Terraform JSON writes it. `asTemplate` false: a literal (variable defaults, tfvars),
 * anything else is an error; true: strings are templates (`${` escaped) and expressions `${…}`.
 */
function toJson(v: Val, asTemplate: boolean): Json {
  switch (v.k) {
    case 'str':
      return asTemplate ? escapeTemplate(v.v) : v.v;
    case 'num':
    case 'bool':
      return v.v;
    case 'null':
      return null;
    case 'list':
      return v.items.map((x) => toJson(x, asTemplate));
    case 'obj':
      return Object.fromEntries(v.entries.map((e) => [e.key, toJson(e.val, asTemplate)]));
    case 'tpl':
      if (asTemplate) return v.parts.map((p) => (p.k === 'str' ? escapeTemplate(p.v) : `\${${valText(p)}}`)).join('');
      throw new Error(`not a literal: ${v.text}`);
    default:
      if (asTemplate) return `\${${v.text}}`;
      throw new Error(`not a literal: ${v.text}`);
  }
}

const literal = (v: Val): Json => toJson(v, false);
const template = (v: Val): Json => toJson(v, true);

export function hclToJson(text: string, opts: { tfvars?: boolean; arrays?: boolean } = {}): string {
  const hcl = parseTerraform(text, () => true);
  if (hcl.problems.length) throw new Error(`HCL fixture has problems: ${hcl.problems.map((p) => p.message).join('; ')}`);
  if (opts.tfvars) return JSON.stringify(Object.fromEntries(hcl.attrs.map((a) => [a.name, literal(a.val)])), null, 2) + '\n';
  const ignores = new Map<string, string[]>();
  for (const s of terraformSuppressions('x.tf', hcl)) {
    const c = hcl.comments.find((x) => key(x.range) === key(s.range))!;
    const list = ignores.get(key(s.scope)) ?? [];
    list.push(c.text.replace(/^\s*(#|\/\/)\s*/, ''));
    ignores.set(key(s.scope), list);
  }
  const wrap = (o: Json): Json => (opts.arrays ? [o] : o);
  const body = (b: HclBlock, literalKeys: Set<string>): { [k: string]: Json } => {
    const out: { [k: string]: Json } = {};
    const c = ignores.get(key(b.range));
    if (c) out['//'] = c.length === 1 ? c[0] : c;
    for (const a of b.attrs) {
      if (b.type === 'dynamic' && a.name === 'iterator' && a.val.k === 'ref') out[a.name] = a.val.text;
      else out[a.name] = literalKeys.has(a.name) ? literal(a.val) : template(a.val);
    }
    const byType = new Map<string, HclBlock[]>();
    for (const nb of b.blocks) byType.set(nb.type, [...(byType.get(nb.type) ?? []), nb]);
    for (const [type, list] of byType) {
      if (type === 'dynamic') {
        const d: { [k: string]: Json } = {};
        for (const nb of list) d[nb.labels[0]] = wrap(body(nb, new Set()));
        out.dynamic = d;
      } else out[type] = list.length === 1 ? wrap(body(list[0], new Set())) : list.map((nb) => body(nb, new Set()));
    }
    return out;
  };
  const root: { [k: string]: { [k: string]: Json } } = {};
  for (const b of hcl.blocks) {
    const top = (root[b.type] ??= {});
    const content = body(b, new Set(b.type === 'variable' ? ['default'] : []));
    if (b.labels.length === 0) {
      // locals: several blocks merge into one object (the names are distinct)
      Object.assign(top, content);
      continue;
    }
    let at = top;
    for (const l of b.labels.slice(0, -1)) at = (at[l] ??= {}) as { [k: string]: Json };
    at[b.labels[b.labels.length - 1]] = wrap(content);
  }
  return JSON.stringify(root, null, 2) + '\n';
}

/** `main.tf` → `main.tf.json`, `terraform.tfvars` → `terraform.tfvars.json`. */
export function jsonName(p: string): string {
  return `${p}.json`;
}
