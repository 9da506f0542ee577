import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTerraformModule, analyzeText, initIac, parseTerraform, TerraformDocument, IacDocumentCache, type SgRule } from '../../../src/core/iac';

before(async () => {
  await initIac();
});

const tf = (files: Record<string, string>) => analyzeTerraformModule(Object.entries(files).map(([path, text]) => ({ path, text })));

/** The text a 0-based range covers. */
function slice(text: string, r: { start: { line: number; column: number }; end: { line: number; column: number } }): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.column, r.end.column);
  return [lines[r.start.line].slice(r.start.column), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.column)].join('\n');
}

function rulesOf(model: { rules: SgRule[] }, resource: string): SgRule[] {
  return model.rules.filter((r) => r.resource === resource);
}

const BASTION = `# a leading comment
resource "aws_security_group" "bastion" {
  description = "Bastion"
  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.1.2.3/32", "0.0.0.0/0"]
  }
}
`;

describe('Terraform parsing and ranges', () => {
  it('reads blocks after a leading comment, with exact ranges of resource, block and each CIDR', () => {
    const { model, findings } = analyzeText('main.tf', BASTION);
    assert.equal(model.groups.length, 1);
    const g = model.groups[0];
    assert.equal(g.address, 'aws_security_group.bastion');
    assert.equal(slice(BASTION, g.headerRange), 'resource "aws_security_group" "bastion" {');
    assert.ok(slice(BASTION, g.range).endsWith('}\n}') || slice(BASTION, g.range).endsWith('}'));
    const [rule] = model.rules;
    assert.equal(slice(BASTION, rule.headerRange), 'ingress {');
    assert.deepEqual(rule.sources.map((s) => slice(BASTION, s.range)), ['"10.1.2.3/32"', '"0.0.0.0/0"']);
    assert.deepEqual(rule.sources.map((s) => s.kind), ['cidr', 'cidr']);
    const el001 = findings.filter((f) => f.ruleId === 'EL001');
    assert.equal(el001.length, 1);
    assert.equal(slice(BASTION, el001[0].range), '"0.0.0.0/0"');
    assert.ok(el001[0].elementIds.includes(rule.sources[1].id));
  });

  it('a half-typed file still yields its complete blocks and reports the syntax problem', () => {
    const text = BASTION + `\nresource "aws_security_group" "half" {\n  ingress {\n    from_port = \n`;
    const { findings, problems, model } = analyzeText('main.tf', text);
    assert.ok(findings.some((f) => f.ruleId === 'EL001' && f.resource === 'aws_security_group.bastion'));
    assert.ok(problems.length >= 1);
    assert.ok(problems.every((p) => p.file === 'main.tf' && p.range));
    assert.ok(model.groups.some((g) => g.address === 'aws_security_group.bastion'));
  });

  it('blocks without errors come out the same whether or not another block is broken', () => {
    const broken = analyzeText('main.tf', `${BASTION}\nresource "aws_security_group" "half" {\n  ingress {\n    cidr_blocks = [\n`).model;
    const clean = analyzeText('main.tf', BASTION).model;
    assert.deepEqual(broken.groups.find((g) => g.address === 'aws_security_group.bastion'), clean.groups[0]);
    assert.deepEqual(broken.rules.filter((r) => r.resource === 'aws_security_group.bastion'), clean.rules);
    const brokenFirst = analyzeText('main.tf', `resource "aws_security_group" "half" {\n  ingress = \n}\n${BASTION}`);
    assert.ok(brokenFirst.findings.some((f) => f.ruleId === 'EL001' && f.resource === 'aws_security_group.bastion'));
    assert.ok(brokenFirst.problems.length > 0);
  });

  it('garbage never throws', () => {
    for (const junk of ['', '}}}', 'resource', 'resource "aws_security_group" {', '"\\', 'x = [1,', '\u0000\u0001']) {
      const r = analyzeText('junk.tf', junk);
      assert.ok(Array.isArray(r.findings));
    }
  });

  it('columns are UTF-16 code units like the editor', () => {
    const text = `resource "aws_security_group" "é" {\n  description = "ünïcode 😀"\n  ingress {\n    description = "😀"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ["😀", "0.0.0.0/0"]\n  }\n}\n`;
    const { model } = analyzeText('u.tf', text);
    const s = model.rules[0].sources.find((x) => x.kind === 'cidr')!;
    assert.equal(slice(text, s.range), '"0.0.0.0/0"');
    assert.equal(model.rules[0].sources[0].kind, 'unresolved');
  });
});

describe('Terraform static resolution', () => {
  const files = {
    'variables.tf': `variable "admin" {\n  default = ["198.51.100.0/24"]\n}\nvariable "nodefault" {}\nvariable "ports" {\n  default = [{ port = 22, cidr = "0.0.0.0/0" }, { port = 443, cidr = "0.0.0.0/0" }]\n}\n`,
    'main.tf': `locals {\n  office = "203.0.113.0/24"\n  wide   = ["10.0.0.0/8"]\n}\nresource "aws_vpc" "main" {\n  cidr_block = "10.50.0.0/16"\n}\nresource "aws_security_group" "a" {\n  description = "a"\n  ingress {\n    description = "x"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = concat(var.admin, [local.office, aws_vpc.main.cidr_block])\n  }\n  ingress {\n    description = "y"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = var.nodefault\n  }\n  ingress {\n    description = "z"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = [cidrsubnet(aws_vpc.main.cidr_block, 8, 1), data.aws_vpc.x.cidr_block]\n  }\n  dynamic "ingress" {\n    for_each = var.ports\n    iterator = p\n    content {\n      description = "dyn"\n      from_port = p.value.port\n      to_port = p.value.port\n      protocol = "tcp"\n      cidr_blocks = [p.value.cidr]\n    }\n  }\n}\n`,
  };

  it('resolves var defaults, locals, concat and other resources\' literal CIDRs, with where they are defined', () => {
    const { model } = tf(files);
    const [first] = rulesOf(model, 'aws_security_group.a');
    assert.deepEqual(first.sources.map((s) => s.value), ['198.51.100.0/24', '203.0.113.0/24', '10.50.0.0/16']);
    assert.equal(first.sources[0].definedAt?.file, 'variables.tf');
    assert.match(first.sources[0].via ?? '', /var\.admin/);
    assert.match(first.sources[2].via ?? '', /aws_vpc\.main\.cidr_block/);
  });

  it('marks what it cannot know as unresolved with a reason, and raises only info findings on it', () => {
    const { model, findings } = tf(files);
    const rules = rulesOf(model, 'aws_security_group.a');
    assert.equal(rules[1].sources[0].kind, 'unresolved');
    assert.match(rules[1].sources[0].reason ?? '', /nodefault/);
    assert.deepEqual(rules[2].sources.map((s) => s.kind), ['unresolved', 'unresolved']);
    assert.match(rules[2].sources[0].reason ?? '', /cidrsubnet/);
    assert.match(rules[2].sources[1].reason ?? '', /plan time/);
    const onThem = findings.filter((f) => f.sgRuleId === rules[1].id || f.sgRuleId === rules[2].id);
    assert.ok(onThem.every((f) => f.severity === 'info' && /could not be resolved statically/.test(f.message)));
  });

  it('expands dynamic blocks over a static for_each with a custom iterator', () => {
    const { model, findings } = tf(files);
    const dyn = rulesOf(model, 'aws_security_group.a').filter((r) => r.origin === 'dynamic');
    assert.deepEqual(dyn.map((r) => [r.fromPort, r.sources[0].value]), [[22, '0.0.0.0/0'], [443, '0.0.0.0/0']]);
    assert.deepEqual(findings.filter((f) => f.ruleId === 'EL001' && f.severity !== 'info').map((f) => f.sgRuleId), [dyn[0].id]);
  });

  it('tfvars override defaults: terraform.tfvars, then *.auto.tfvars in lexical order', () => {
    const base = { 'v.tf': 'variable "c" {\n  default = "0.0.0.0/0"\n}\n', 'm.tf': 'resource "aws_security_group_rule" "r" {\n  type = "ingress"\n  description = "d"\n  from_port = 22\n  to_port = 22\n  protocol = "tcp"\n  cidr_blocks = [var.c]\n  security_group_id = "sg-1"\n}\n' };
    const value = (extra: Record<string, string>) => tf({ ...base, ...extra }).model.rules[0].sources[0];
    assert.equal(value({}).value, '0.0.0.0/0');
    assert.equal(value({ 'terraform.tfvars': 'c = "10.0.0.1/32"\n' }).value, '10.0.0.1/32');
    const both = value({ 'terraform.tfvars': 'c = "10.0.0.1/32"\n', 'b.auto.tfvars': 'c = "10.0.0.3/32"\n', 'a.auto.tfvars': 'c = "10.0.0.2/32"\n' });
    assert.equal(both.value, '10.0.0.3/32');
    assert.equal(both.definedAt?.file, 'b.auto.tfvars');
    assert.equal(tf({ ...base, 'terraform.tfvars': 'c = "10.0.0.1/32"\n' }).findings.filter((f) => f.ruleId === 'EL001').length, 0);
  });
});

describe('group-referencing rules are never open to the world', () => {
  const text = `resource "aws_security_group" "db" {
  description = "db"
  ingress {
    description = "self"
    from_port = 0
    to_port = 0
    protocol = "-1"
    self = true
  }
  ingress {
    description = "groups"
    from_port = 22
    to_port = 22
    protocol = "tcp"
    security_groups = [aws_security_group.app.id, data.aws_security_group.x.id, "sg-123"]
  }
}
resource "aws_security_group_rule" "from_module" {
  type = "ingress"
  description = "d"
  from_port = 0
  to_port = 65535
  protocol = "tcp"
  source_security_group_id = module.alb.security_group_id
  security_group_id = aws_security_group.db.id
}
resource "aws_vpc_security_group_ingress_rule" "ref" {
  security_group_id = aws_security_group.db.id
  description = "d"
  ip_protocol = "-1"
  referenced_security_group_id = var.unknown_group
}
`;
  it('classifies self/security_groups/source_security_group_id/referenced_security_group_id as group sources', () => {
    const { model, findings } = analyzeText('g.tf', text);
    const kinds = model.rules.flatMap((r) => r.sources.map((s) => `${s.kind}:${s.value}`));
    assert.deepEqual(kinds, ['self:self', 'group:aws_security_group.app', 'group:data.aws_security_group.x.id', 'group:sg-123', 'group:module.alb', 'group:var.unknown_group']);
    assert.deepEqual(findings.filter((f) => ['EL001', 'EL002', 'EL003', 'EL004', 'EL005'].includes(f.ruleId)), []);
    // standalone rules join their group
    assert.equal(model.groups[0].ruleIds.length, 4);
  });
});

describe('terraform-aws-modules/security-group inputs', () => {
  const text = `module "web_sg" {
  source  = "terraform-aws-modules/security-group/aws"
  version = "5.2.0"
  name        = "web"
  description = "web"
  vpc_id      = "vpc-1"
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_rules       = ["https-443-tcp", "ssh-tcp", "no-such-rule"]
  ingress_with_cidr_blocks = [
    { rule = "postgresql-tcp", cidr_blocks = "10.0.0.0/16,0.0.0.0/0" },
    { from_port = 8080, to_port = 8090, protocol = "tcp", description = "apps", cidr_blocks = "192.168.1.0/24" },
  ]
  ingress_with_source_security_group_id = [{ rule = "mysql-tcp", source_security_group_id = "sg-9" }]
  ingress_with_self = [{ rule = "all-all" }]
  egress_rules = ["all-all"]
}
module "ssh_only" {
  source = "terraform-aws-modules/security-group/aws//modules/ssh"
  name = "ssh"
  description = "ssh"
  ingress_cidr_blocks = ["0.0.0.0/0"]
}
module "not_sg" {
  source = "terraform-aws-modules/vpc/aws"
}
`;
  it('turns named rules, *_with_* objects, self and egress defaults into rules', () => {
    const { model } = analyzeText('m.tf', text);
    assert.deepEqual(model.groups.map((g) => g.address), ['module.web_sg', 'module.ssh_only']);
    const web = rulesOf(model, 'module.web_sg');
    const line = (r: SgRule) => `${r.direction} ${r.protocol} ${r.fromPort}-${r.toPort} ${r.sources.map((s) => `${s.kind}:${s.value}`).join(',')}${r.namedRule ? ` (${r.namedRule})` : ''}`;
    assert.deepEqual(web.map(line), [
      'ingress tcp 443-443 cidr:0.0.0.0/0 (https-443-tcp)',
      'ingress tcp 22-22 cidr:0.0.0.0/0 (ssh-tcp)',
      'ingress null null-null cidr:0.0.0.0/0',
      'ingress tcp 5432-5432 cidr:10.0.0.0/16,cidr:0.0.0.0/0 (postgresql-tcp)',
      'ingress tcp 8080-8090 cidr:192.168.1.0/24',
      'ingress tcp 3306-3306 group:sg-9 (mysql-tcp)',
      'ingress all 0-65535 self:self (all-all)',
      'egress all 0-65535 cidr:0.0.0.0/0,ipv6:::/0 (all-all)',
    ]);
    const ssh = rulesOf(model, 'module.ssh_only');
    assert.ok(ssh.some((r) => r.namedRule === 'ssh-tcp' && r.sources[0].value === '0.0.0.0/0'));
  });

  it('points findings at the exact piece of a comma-separated cidr_blocks string', () => {
    const { findings } = analyzeText('m.tf', text);
    const pg = findings.find((f) => f.ruleId === 'EL003')!;
    const lines = text.split('\n');
    assert.equal(lines[pg.range.start.line].slice(pg.range.start.column, pg.range.end.column), '0.0.0.0/0');
    assert.deepEqual(findings.filter((f) => f.ruleId === 'EL001').map((f) => f.resource).sort(), ['module.ssh_only', 'module.web_sg']);
    assert.ok(findings.some((f) => f.ruleId === 'EL004' && f.severity === 'info' && f.resource === 'module.web_sg'));
  });
});

describe('incremental parsing', () => {
  it('an edited document gives the same model as a fresh parse', () => {
    const doc = new TerraformDocument('main.tf', BASTION);
    try {
      assert.equal(doc.file.blocks.length, 1);
      // Replace "0.0.0.0/0" with "10.9.9.9/32" on line 8.
      const line = 8;
      const col = BASTION.split('\n')[line].indexOf('0.0.0.0/0');
      const offset = BASTION.split('\n').slice(0, line).join('\n').length + 1 + col;
      const newText = BASTION.slice(0, offset) + '10.9.9.9/32' + BASTION.slice(offset + '0.0.0.0/0'.length);
      doc.update(newText, [{ range: { start: { line, column: col }, end: { line, column: col + 9 } }, rangeOffset: offset, rangeLength: 9, text: '10.9.9.9/32' }]);
      assert.deepEqual(doc.file, parseTerraform(newText));
    } finally {
      doc.dispose();
    }
  });

  it('reuses unchanged blocks across edits (shifting them when lines are inserted) and matches a fresh parse', () => {
    const text = `${BASTION}\n${BASTION.replace(/bastion/g, 'b2')}\n# egress-lens:ignore EL001 x\n${BASTION.replace(/bastion/g, 'b3')}`;
    const doc = new TerraformDocument('main.tf', text);
    try {
      void doc.file;
      const insert = '# a new comment line\nvariable "v" {}\n';
      const next = insert + text;
      doc.update(next, [{ range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, rangeOffset: 0, rangeLength: 0, text: insert }]);
      assert.deepEqual(doc.file, parseTerraform(next));
      assert.equal(doc.reusedBlocks, 3);
      // An edit inside the second group: the other two are reused.
      const at = next.indexOf('"0.0.0.0/0"', next.indexOf('b2'));
      const edited = next.slice(0, at) + '"10.0.0.0/8"' + next.slice(at + 11);
      const line = next.slice(0, at).split('\n').length - 1;
      const col = at - next.lastIndexOf('\n', at - 1) - 1;
      doc.update(edited, [{ range: { start: { line, column: col }, end: { line, column: col + 11 } }, rangeOffset: at, rangeLength: 11, text: '"10.0.0.0/8"' }]);
      assert.deepEqual(doc.file, parseTerraform(edited));
      assert.equal(doc.reusedBlocks, 3); // variable + bastion + b3
    } finally {
      doc.dispose();
    }
  });

  it('IacDocumentCache resolves a file with its siblings and reports only that file', () => {
    const cache = new IacDocumentCache();
    try {
      const main = 'resource "aws_security_group_rule" "r" {\n  type = "ingress"\n  description = "d"\n  from_port = 3389\n  to_port = 3389\n  protocol = "tcp"\n  cidr_blocks = var.c\n  security_group_id = "sg-1"\n}\n';
      const vars = 'variable "c" {\n  default = ["0.0.0.0/0"]\n}\n';
      const r = cache.analyze('dir/main.tf', main, [{ path: 'dir/vars.tf', text: vars }]);
      assert.deepEqual(r.findings.map((f) => f.ruleId), ['EL001']);
      const r2 = cache.analyze('dir/main.tf', main.replace('3389', '3390').replace('3389', '3390'), [{ path: 'dir/vars.tf', text: vars }]);
      assert.ok(!r2.findings.some((f) => f.ruleId === 'EL001'));
    } finally {
      cache.dispose();
    }
  });
});

describe('robustness', () => {
  it('every prefix of a file with comments, heredocs and templates analyses without hanging or throwing', { timeout: 20000 }, () => {
    const text = `variable "x" {
  default = ["0.0.0.0/0"] # trailing comment
}
locals {
  m = { a = "b", "c" : 1 } // another
  t = "\${var.x[0]}-\${local.m.a}"
  h = <<EOT
text
EOT
}
resource "aws_security_group" "s" {
  description = "s" /* block */
  ingress {
    from_port = -1
    to_port = var.x[0] == "" ? 1 : 2
    protocol = "icmp"
    cidr_blocks = [ # comment in a list
      "10.0.0.0/8",
      var.x[0],
    ]
  }
}
`;
    for (let i = 0; i <= text.length; i += 3) analyzeText('p.tf', text.slice(0, i));
    const full = analyzeText('p.tf', text);
    assert.deepEqual(full.model.rules[0].sources.map((s) => s.value), ['10.0.0.0/8', '0.0.0.0/0']);
    assert.equal(full.model.rules[0].fromPort, -1);
  });
});
