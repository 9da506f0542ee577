import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import {
  analyzeFiles,
  analyzeTerraformModule,
  analyzeText,
  detectIacKind,
  IacDocumentCache,
  initIac,
  linkFromTerraformState,
  parseTerraformJson,
  rules,
  type AnalysisResult,
  type Finding,
} from '../../../src/core/iac';
import { suppressFinding, syntaxOf } from '../../../src/core/analysis/editor-fixes';
import { hclToJson, jsonName } from './hcl-to-json';

before(async () => {
  await initIac();
});

type Range = { start: { line: number; column: number }; end: { line: number; column: number } };

/** The text a 0-based range covers. */
function slice(text: string, r: Range): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.column, r.end.column);
  return [lines[r.start.line].slice(r.start.column), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.column)].join('\n');
}

const module_ = (files: Record<string, string>): AnalysisResult => analyzeTerraformModule(Object.entries(files).map(([path, text]) => ({ path, text })));

/** What must agree between the two syntaxes: rule, severity, resource, suppression (file names aside). */
function signature(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource}${f.suppressed ? ` suppressed(${f.suppressionReason})` : ''} | ${f.message.replace(/\.json\b/g, '')}`).sort();
}

/** The model's rules in short: what the rules read. */
function ruleSummary(r: AnalysisResult): string[] {
  return r.model.rules
    .map((x) => `${x.resource} ${x.direction} ${x.protocol} ${x.fromPort}-${x.toPort} ${x.origin} ${x.descriptionState} [${x.sources.map((s) => `${s.kind}:${s.value}${s.via ? ` via ${s.via.replace(/\.json\b/g, '')}` : ''}`).join(', ')}]`)
    .sort();
}

function hclDir(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((n) => /\.(tf|tfvars)$/.test(n))
      .map((n) => [`${dir}/${n}`, readFileSync(`${dir}/${n}`, 'utf8')]),
  );
}

function asJson(files: Record<string, string>, arrays = false): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([p, t]) => [jsonName(p), hclToJson(t, { tfvars: p.endsWith('.tfvars'), arrays })]));
}

describe('Terraform JSON gives the same findings as HCL', () => {
  for (const rule of rules) {
    for (const which of ['bad', 'good'] as const) {
      it(`${rule.id} ${which} example, object and array forms`, () => {
        const hcl = rule.examples.terraform[which];
        const a = analyzeText('main.tf', hcl);
        assert.equal(a.problems.length, 0);
        if (which === 'bad') assert.ok(a.findings.some((f) => f.ruleId === rule.id), `the HCL example finds ${rule.id}`);
        for (const arrays of [false, true]) {
          const json = hclToJson(hcl, { arrays });
          const b = analyzeText('main.tf.json', json);
          assert.deepEqual(b.problems, [], json);
          assert.deepEqual(signature(b.findings), signature(a.findings), json);
          assert.deepEqual(ruleSummary(b), ruleSummary(a));
          assert.ok(b.model.groups.every((g) => g.format === 'terraform'));
        }
      });
    }
  }

  for (const dir of ['samples/demo/terraform', 'test/unit/iac/fixtures/workspace/tf']) {
    it(`${dir} (variables, tfvars, locals, module inputs, suppression comments) written as JSON`, () => {
      const files = hclDir(dir);
      const a = module_(files);
      assert.ok(a.findings.length > 0);
      for (const arrays of [false, true]) {
        const b = module_(asJson(files, arrays));
        assert.deepEqual(b.problems, []);
        assert.deepEqual(signature(b.findings), signature(a.findings));
        assert.deepEqual(ruleSummary(b), ruleSummary(a));
        assert.deepEqual(b.model.groups.map((g) => g.address).sort(), a.model.groups.map((g) => g.address).sort());
        assert.equal(b.model.resourceCount, a.model.resourceCount);
        assert.deepEqual(b.model.network.map((n) => `${n.kind} ${n.address} ${n.vpc}`).sort(), a.model.network.map((n) => `${n.kind} ${n.address} ${n.vpc}`).sort());
      }
    });
  }

  it('HCL and JSON files mix in one module (variables in .tf, resources in .tf.json)', () => {
    const r = module_({
      'variables.tf': 'variable "admin" {\n  default = ["0.0.0.0/0"]\n}\n',
      'main.tf.json': hclToJson('resource "aws_security_group" "a" {\n  description = "a"\n  ingress {\n    description = "ssh"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = var.admin\n  }\n}\n'),
    });
    const f = r.findings.find((x) => x.ruleId === 'EL001')!;
    assert.equal(f.file, 'main.tf.json');
    assert.match(f.message, /var\.admin/);
    assert.equal(r.model.rules[0].sources[0].definedAt?.file, 'variables.tf');
  });
});

const BASTION = `{
  "resource": {
    "aws_security_group": {
      "bastion": {
        "description": "Bastion",
        "ingress": {
          "description": "SSH",
          "from_port": 22,
          "to_port": 22,
          "protocol": "tcp",
          "cidr_blocks": ["10.1.2.3/32", "0.0.0.0/0"]
        },
        "egress": [
          {
            "description": "HTTPS out",
            "from_port": 443,
            "to_port": 443,
            "protocol": "tcp",
            "cidr_blocks": ["\${var.egress}"]
          }
        ]
      }
    }
  },
  "variable": { "egress": { "default": "0.0.0.0/0" } }
}
`;

describe('Terraform JSON ranges', () => {
  it('resource, header, rule block (object and array form), ports and each CIDR are exact', () => {
    const { model, findings } = analyzeText('main.tf.json', BASTION);
    const g = model.groups[0];
    assert.equal(g.address, 'aws_security_group.bastion');
    assert.equal(slice(BASTION, g.headerRange), '"bastion": {');
    assert.ok(slice(BASTION, g.range).startsWith('"bastion": {'));
    assert.ok(slice(BASTION, g.range).endsWith('        ]\n      }'));
    const [ing, eg] = model.rules;
    assert.equal(slice(BASTION, ing.headerRange), '"ingress": {');
    assert.ok(slice(BASTION, ing.range).startsWith('"ingress": {') && slice(BASTION, ing.range).endsWith('}'));
    assert.equal(slice(BASTION, ing.portsRange), '"from_port": 22,\n          "to_port": 22');
    assert.deepEqual(ing.sources.map((s) => slice(BASTION, s.range)), ['"10.1.2.3/32"', '"0.0.0.0/0"']);
    // array form: the element is the rule; its header is its first line
    assert.equal(slice(BASTION, eg.headerRange), '{');
    assert.ok(slice(BASTION, eg.range).startsWith('{\n            "description": "HTTPS out"'));
    assert.equal(slice(BASTION, eg.sources[0].range), '"${var.egress}"');
    assert.equal(slice(BASTION, eg.sources[0].definedAt!.range), '"0.0.0.0/0"');
    assert.equal(eg.sources[0].via, 'the default of var.egress');
    const el001 = findings.find((f) => f.ruleId === 'EL001')!;
    assert.equal(slice(BASTION, el001.range), '"0.0.0.0/0"');
    assert.equal(el001.range.start.line, 10);
  });

  it('expressions inside templates keep their place in the file, escapes and all', () => {
    const text = `{
  "variable": { "env": { "default": "prod" }, "office": { "default": "198.51.100.0/24" } },
  "resource": { "aws_security_group": { "a": {
    "description": "a",
    "ingress": {
      "description": "\\u0041pp",
      "from_port": 443, "to_port": 443, "protocol": "tcp",
      "cidr_blocks": ["\${var.env == \\"prod\\" ? var.office : \\"0.0.0.0/0\\"}", "10.\${0}.0.0/8", "$\${literal}"]
    }
  } } }
}
`;
    const { model, problems } = analyzeText('main.tf.json', text);
    assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
    const r = model.rules[0];
    assert.equal(r.description, 'App');
    // `==` is not evaluated statically: both branches, each where it is written inside the string
    const [office, world, tpl, lit] = r.sources;
    assert.equal(office.value, '198.51.100.0/24');
    assert.equal(slice(text, office.range), 'var.office');
    assert.equal(slice(text, office.definedAt!.range), '"198.51.100.0/24"');
    assert.match(office.via!, /^var\.env == "prod" is true/);
    assert.equal(world.value, '0.0.0.0/0');
    assert.equal(slice(text, world.range), '\\"0.0.0.0/0\\"');
    assert.equal(tpl.kind, 'cidr');
    assert.equal(tpl.value, '10.0.0.0/8');
    // `$${` is a literal `${`: not a CIDR, flagged invalid, never guessed
    assert.equal(lit.kind, 'unresolved');
    assert.equal(lit.value, '${literal}');
  });

  it('a reference inside a template that cannot be resolved stays unresolved with its reason', () => {
    const hcl = 'resource "aws_security_group" "a" {\n  description = "a"\n  ingress {\n    description = "x"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = [var.nowhere, data.aws_vpc.x.cidr_block]\n  }\n}\n';
    const text = hclToJson(hcl);
    const { model, findings } = analyzeText('main.tf.json', text);
    const [a, b] = model.rules[0].sources;
    assert.equal(a.kind, 'unresolved');
    assert.match(a.reason!, /var\.nowhere has no default/);
    assert.equal(slice(text, a.range), '"${var.nowhere}"');
    assert.equal(b.kind, 'unresolved');
    assert.match(b.reason!, /read from AWS at plan time/);
    // never guessed open or closed: the rule says it could not tell
    assert.ok(findings.filter((f) => f.ruleId === 'EL001').every((f) => /could not be resolved statically/.test(f.message)));
    assert.deepEqual(signature(findings), signature(analyzeText('main.tf', hcl).findings));
  });
});

describe('Terraform JSON variables, locals and tfvars.json', () => {
  let main = '';
  before(() => {
    main = hclToJson(`resource "aws_security_group" "a" {
  description = "a"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = concat(var.admin, local.extra)
  }
}
`);
  });
  const vars = '{ "variable": { "admin": { "type": "list(string)", "default": ["203.0.113.7/32"] } } }\n';
  const locals = '{ "locals": [ { "extra": ["${local.base}"] }, { "base": "10.0.0.0/8" } ] }\n';

  it('defaults, locals in array form, and functions resolve as in HCL', () => {
    const r = module_({ 'main.tf.json': main, 'variables.tf.json': vars, 'locals.tf.json': locals });
    assert.deepEqual(r.model.rules[0].sources.map((s) => `${s.value} ${s.via}`), ['203.0.113.7/32 the default of var.admin', '10.0.0.0/8 local.base']);
    assert.ok(!r.findings.some((f) => f.ruleId === 'EL001'));
  });

  it('terraform.tfvars.json overrides the default (after terraform.tfvars), *.auto.tfvars.json last, other .tfvars.json ignored', () => {
    const base = { 'main.tf.json': main, 'variables.tf.json': vars, 'locals.tf.json': locals };
    const tfvarsJson = '{\n  "admin": ["0.0.0.0/0"]\n}\n';
    const r = module_({ ...base, 'terraform.tfvars.json': tfvarsJson });
    const s = r.model.rules[0].sources[0];
    assert.equal(s.value, '0.0.0.0/0');
    assert.equal(s.via, 'var.admin in terraform.tfvars.json');
    assert.equal(s.definedAt?.file, 'terraform.tfvars.json');
    assert.equal(slice(tfvarsJson, s.definedAt!.range), '"0.0.0.0/0"');
    assert.ok(r.findings.some((f) => f.ruleId === 'EL001' && f.resource === 'aws_security_group.a'));
    // terraform.tfvars.json is read after terraform.tfvars
    const both = module_({ ...base, 'terraform.tfvars': 'admin = ["192.0.2.0/24"]\n', 'terraform.tfvars.json': tfvarsJson });
    assert.equal(both.model.rules[0].sources[0].value, '0.0.0.0/0');
    // *.auto.tfvars.json after both, in name order with *.auto.tfvars
    const auto = module_({ ...base, 'terraform.tfvars.json': tfvarsJson, 'b.auto.tfvars.json': '{ "admin": ["192.0.2.9/32"] }', 'a.auto.tfvars': 'admin = ["192.0.2.1/32"]\n' });
    assert.equal(auto.model.rules[0].sources[0].value, '192.0.2.9/32');
    assert.equal(auto.model.rules[0].sources[0].via, 'var.admin in b.auto.tfvars.json');
    // prod.tfvars.json needs -var-file: not read
    const other = module_({ ...base, 'prod.tfvars.json': tfvarsJson });
    assert.equal(other.model.rules[0].sources[0].value, '203.0.113.7/32');
  });

  it('variable defaults and tfvars.json values are literal JSON, not templates', () => {
    const r = module_({
      'main.tf.json': main,
      'variables.tf.json': '{ "variable": { "admin": { "default": ["${not.a.reference}"] } } }',
      'locals.tf.json': locals,
    });
    const s = r.model.rules[0].sources[0];
    assert.equal(s.kind, 'unresolved');
    assert.equal(s.value, '${not.a.reference}');
    assert.ok(s.invalid);
  });

  it('dynamic blocks: for_each over a variable, with an iterator', () => {
    const text = `{
  "variable": { "ports": { "default": [22, 443] } },
  "resource": { "aws_security_group": { "a": {
    "description": "a",
    "dynamic": { "ingress": {
      "for_each": "\${var.ports}",
      "iterator": "port",
      "content": {
        "description": "port \${port.value}",
        "from_port": "\${port.value}",
        "to_port": "\${port.value}",
        "protocol": "tcp",
        "cidr_blocks": ["0.0.0.0/0"]
      }
    } }
  } } }
}
`;
    const r = analyzeText('main.tf.json', text);
    assert.deepEqual(r.model.rules.map((x) => `${x.origin} ${x.fromPort} ${x.description}`), ['dynamic 22 port 22', 'dynamic 443 port 443']);
    assert.ok(r.findings.some((f) => f.ruleId === 'EL001'));
    assert.equal(slice(text, r.model.rules[0].headerRange), '"ingress": {');
  });

  it('terraform-aws-modules/security-group inputs, with sub-ranges of a comma-separated string', () => {
    const text = `{
  "module": {
    "web_sg": {
      "source": "terraform-aws-modules/security-group/aws",
      "name": "web",
      "description": "web",
      "vpc_id": "vpc-0abc",
      "ingress_rules": ["ssh-tcp"],
      "ingress_cidr_blocks": ["0.0.0.0/0"],
      "ingress_with_cidr_blocks": [
        { "rule": "postgresql-tcp", "cidr_blocks": "10.0.0.0/16,0.0.0.0/0" }
      ]
    }
  }
}
`;
    const r = analyzeText('main.tf.json', text);
    assert.equal(r.model.groups[0].address, 'module.web_sg');
    const ssh = r.findings.find((f) => f.ruleId === 'EL001')!;
    assert.equal(slice(text, ssh.range), '"0.0.0.0/0"');
    assert.equal(slice(text, r.model.rules.find((x) => x.namedRule === 'ssh-tcp')!.range), '"ssh-tcp"');
    const pg = r.findings.find((f) => f.ruleId === 'EL003')!;
    assert.equal(slice(text, pg.range), '0.0.0.0/0');
    const hcl = analyzeText('main.tf', `module "web_sg" {
  source = "terraform-aws-modules/security-group/aws"
  name = "web"
  description = "web"
  vpc_id = "vpc-0abc"
  ingress_rules = ["ssh-tcp"]
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_with_cidr_blocks = [{ rule = "postgresql-tcp", cidr_blocks = "10.0.0.0/16,0.0.0.0/0" }]
}
`);
    assert.deepEqual(signature(r.findings), signature(hcl.findings));
  });
});

describe('Terraform JSON suppression with "//"', () => {
  const open = (name: string, port: number, comment?: string, inRule?: string) => `"${name}": {
        ${comment ? `"//": ${JSON.stringify(comment)},` : ''}
        "description": "${name}",
        "ingress": {
          ${inRule ? `"//": ${JSON.stringify(inRule)},` : ''}
          "description": "x", "from_port": ${port}, "to_port": ${port}, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]
        }
      }`;
  const file = (...groups: string[]) => `{ "resource": { "aws_security_group": {\n      ${groups.join(',\n      ')}\n} } }\n`;
  const summary = (text: string) => analyzeText('main.tf.json', text).findings.filter((f) => f.ruleId === 'EL001' || f.ruleId === 'EL004').map((f) => `${f.ruleId} ${f.resource}${f.suppressed ? ` suppressed(${f.suppressionReason})` : ''}`);

  it('in the resource: that rule is suppressed there, with its reason; other resources and rules are not', () => {
    assert.deepEqual(summary(file(open('a', 22, 'egress-lens:ignore EL001 VPN only'), open('b', 22))), ['EL001 aws_security_group.a suppressed(VPN only)', 'EL001 aws_security_group.b']);
    assert.deepEqual(summary(file(open('a', 22, 'egress-lens:ignore EL003 wrong rule'))), ['EL001 aws_security_group.a']);
  });

  it('in the rule block, as an array of strings, and at the top of the file', () => {
    assert.deepEqual(summary(file(open('a', 22, undefined, 'egress-lens:ignore EL001 break-glass'))), ['EL001 aws_security_group.a suppressed(break-glass)']);
    const arr = file(open('a', 21)).replace('"description": "a",', '"//": ["written by hand", "egress-lens:ignore EL004 FTP demo"], "description": "a",');
    assert.deepEqual(summary(arr), ['EL004 aws_security_group.a suppressed(FTP demo)']);
    const top = `{ "//": "egress-lens:ignore * lab account",${file(open('a', 22)).slice(1)}`;
    assert.deepEqual(summary(top), ['EL001 aws_security_group.a suppressed(lab account)']);
  });

  it('a "//" without the marker, or holding an object (CDK for Terraform metadata), is only a comment', () => {
    const cdktf = file(open('a', 22)).replace('"description": "a",', '"//": { "metadata": { "path": "stack/a", "uniqueId": "a" } }, "description": "a",');
    const r = analyzeText('main.tf.json', cdktf);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(summary(cdktf), ['EL001 aws_security_group.a']);
    assert.deepEqual(summary(file(open('a', 22, 'just a note'))), ['EL001 aws_security_group.a']);
  });

  it('the quick fix writes a "//" property that then suppresses the finding', () => {
    const text = file(open('a', 22));
    const r = analyzeText('main.tf.json', text);
    const f = r.findings.find((x) => x.ruleId === 'EL001')!;
    assert.equal(syntaxOf('main.tf.json', 'terraform'), 'json');
    const fix = suppressFinding(text, 'json', f, r.model, 'VPN only')!;
    assert.ok(fix);
    const lines = text.split('\n');
    const e = fix.edits[0];
    lines.splice(e.range.start.line, 0, e.newText.replace(/\n$/, ''));
    const fixed = lines.join('\n');
    assert.doesNotThrow(() => JSON.parse(fixed));
    assert.deepEqual(summary(fixed), ['EL001 aws_security_group.a suppressed(VPN only)']);
    // not offered again where a "//" already is
    assert.equal(suppressFinding(fixed, 'json', analyzeText('main.tf.json', fixed).findings.find((x) => x.ruleId === 'EL001')!, analyzeText('main.tf.json', fixed).model), null);
  });
});

describe('Terraform JSON problems', () => {
  it('malformed JSON: a problem naming the line, no crash, and resources before it still read', () => {
    const text = `{
  "resource": {
    "aws_security_group": {
      "a": {
        "description": "a",
        "ingress": { "description": "x", "from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"] }
      },
      "b": {
        "description": "b",
        "ingress": { "from_port": 22 "to_port": 22 }
      }
`;
    const r = analyzeText('broken.tf.json', text);
    assert.ok(r.problems.length > 0);
    assert.ok(r.problems.every((p) => p.file === 'broken.tf.json' && p.severity === 'error' && p.range));
    assert.ok(r.problems.some((p) => p.range!.start.line === 9 && /JSON syntax error/.test(p.message)), JSON.stringify(r.problems));
    assert.ok(r.findings.some((f) => f.ruleId === 'EL001' && f.resource === 'aws_security_group.a'));
  });

  it('shapes Terraform rejects are problems with their place; garbage never throws', () => {
    const r = analyzeText('main.tf.json', '{\n  "resource": { "aws_security_group": "oops" },\n  "resorce": {}\n}\n');
    assert.deepEqual(
      r.problems.map((p) => `${p.range!.start.line}: ${p.message}`),
      ["1: resource aws_security_group: expected an object keyed by name, found a string", "2: 'resorce' is not a Terraform block type (expected resource, data, module, variable, locals, output, provider or terraform)"],
    );
    assert.match(analyzeText('main.tf.json', '[1, 2]').problems[0].message, /one object at the top level/);
    const dup = analyzeText('main.tf.json', '{ "resource": { "aws_security_group": { "a": { "description": "a", "description": "b" } } } }');
    assert.match(dup.problems[0].message, /duplicate argument 'description'/);
    assert.match(analyzeText('main.tf.json', '{ "locals": { "x": "${var.a +}" } }').problems[0]?.message ?? '', /not a valid Terraform expression/);
    for (const junk of ['', '{', '}}}', '{"resource":', '"\\', '{"resource": {"aws_security_group": {"a": [1, {"ingress": []}]}}}', '{"locals": {"a": "${"}}', '\u0000', 'null', '{"variable": {"x": {"default": {"a": [}}}}']) {
      const a = analyzeText('junk.tf.json', junk);
      assert.ok(Array.isArray(a.findings));
      const b = analyzeText('junk.tfvars.json', junk);
      assert.ok(Array.isArray(b.findings));
    }
  });

  it('the tfvars.json parse keeps every value literal with its range', () => {
    const f = parseTerraformJson('{\n  "a": ["${x}"],\n  "//": "note"\n}\n', { tfvars: true });
    assert.deepEqual(f.attrs.map((a) => a.name), ['a']);
    assert.deepEqual(f.attrs[0].val.k === 'list' && f.attrs[0].val.items[0].k === 'str' ? f.attrs[0].val.items[0].v : null, '${x}');
    assert.deepEqual(f.attrs[0].range, { start: { line: 1, column: 2 }, end: { line: 1, column: 15 } });
  });
});

describe('Terraform JSON is never CloudFormation', () => {
  const cfnLooking = '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": { "X": { "Type": "AWS::EC2::SecurityGroup" } }\n}\n';

  it('detection goes by the name: .tf.json is Terraform, .tfvars.json its variables, even with CloudFormation-like content', () => {
    assert.equal(detectIacKind('stack/cdk.tf.json', cfnLooking), 'terraform');
    assert.equal(detectIacKind('main.TF.JSON'), 'terraform');
    assert.equal(detectIacKind('terraform.tfvars.json', cfnLooking), 'tfvars');
    assert.equal(detectIacKind('template.json', cfnLooking), 'cloudformation');
    assert.equal(detectIacKind('terraform.tfstate', cfnLooking), null);
  });

  it('analyzeFiles puts .tf.json with its directory’s Terraform and a .json template on its own', () => {
    const tf = hclToJson('resource "aws_security_group" "a" {\n  description = "a"\n}\n');
    const r = analyzeFiles([
      { path: 'infra/cdk.tf.json', text: tf },
      { path: 'infra/template.json', text: '{ "Resources": { "Sg": { "Type": "AWS::EC2::SecurityGroup", "Properties": { "GroupDescription": "x" } } } }' },
    ]);
    assert.deepEqual(r.model.groups.map((g) => `${g.file} ${g.format} ${g.address}`).sort(), ['infra/cdk.tf.json terraform aws_security_group.a', 'infra/template.json cloudformation Sg']);
  });
});

describe('Terraform JSON in the editor cache and the links', () => {
  it('IacDocumentCache analyses a .tf.json with its HCL and JSON siblings; re-parses only changed text', () => {
    const cache = new IacDocumentCache();
    const main = hclToJson('resource "aws_security_group" "a" {\n  description = "a"\n  ingress {\n    description = "x"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = var.admin\n  }\n}\n');
    const siblings = [
      { path: '/w/variables.tf', text: 'variable "admin" {\n  default = ["10.0.0.0/8"]\n}\n' },
      { path: '/w/terraform.tfvars.json', text: '{ "admin": ["0.0.0.0/0"] }' },
    ];
    const r1 = cache.analyze('/w/main.tf.json', main, siblings);
    assert.deepEqual(r1.findings.map((f) => `${f.ruleId} ${f.file}`), ['EL001 /w/main.tf.json']);
    assert.ok(!cache.get('/w/main.tf.json'), 'no tree-sitter document for JSON');
    const r2 = cache.analyze('/w/main.tf.json', main.replace('"description": "a"', '"description": "b"'), siblings);
    assert.equal(r2.model.groups[0].description, 'b');
    cache.dispose();
  });

  it('terraform.tfstate links groups written in .tf.json by address', () => {
    const r = analyzeText('stack/cdk.tf.json', hclToJson('resource "aws_security_group" "web_sg_1A2B" {\n  description = "web"\n}\n'));
    const state = { version: 4, terraform_version: '1.9.8', resources: [{ mode: 'managed', type: 'aws_security_group', name: 'web_sg_1A2B', instances: [{ attributes: { id: 'sg-0cdktf' } }] }] };
    const links = linkFromTerraformState(r.model.groups, { source: 'stack/terraform.tfstate', json: state, dir: 'stack' });
    assert.deepEqual(links.map((l) => `${l.address} ${l.deployedId} ${l.method}`), ['aws_security_group.web_sg_1A2B sg-0cdktf terraform-state']);
  });
});

it('JSON nested thousands of levels deep is a problem, not a crash (Terraform JSON and CloudFormation JSON)', async () => {
  const { analyzeText } = await import('../../../src/core/iac');
  const deep = '['.repeat(20000) + ']'.repeat(20000);
  const tf = analyzeText('main.tf.json', `{"resource": {"aws_security_group": {"a": {"tags": ${deep}}}}}`);
  assert.match(tf.problems.map((p) => p.message).join('\n'), /nested too deeply/);
  const cfn = analyzeText('stack.json', `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"Tags": ${deep}}}}}`);
  assert.match(cfn.problems.map((p) => p.message).join('\n'), /nested too deeply/);
});
