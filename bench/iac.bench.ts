// IaC benchmark: a generated 5,000-line Terraform file.
//   full:        parse (tree-sitter, plain strings and blank runs masked) + lower + extract model + all rules,
//                after warm-up                                                            (target < 30 ms)
//   incremental: tree.edit + reparse with the old tree after a one-line edit             (target < 5 ms)
//   editor step: incremental reparse + lower + extract + rules (what a keystroke costs)
// Run standalone: node --import tsx bench/iac.bench.ts
import { performance } from 'node:perf_hooks';
import { Parser } from 'web-tree-sitter';
import { analyzeTerraformModule, initIac, parseTerraform, TerraformDocument, type TextChange } from '../src/core/iac';
import { maskForParse } from '../src/core/iac/terraform/mask';

/** ~`lines` lines of realistic Terraform: groups with inline/dynamic rules, standalone rules, network. */
export function generateTerraform(lines: number): string {
  const out: string[] = [
    'variable "admin_cidrs" {',
    '  type    = list(string)',
    '  default = ["0.0.0.0/0"]',
    '}',
    'locals {',
    '  office = "203.0.113.0/24"',
    '  ports  = [80, 443, 8080]',
    '}',
    'resource "aws_vpc" "main" {',
    '  cidr_block = "10.0.0.0/16"',
    '}',
  ];
  let i = 0;
  while (out.length < lines) {
    const n = i++;
    switch (n % 4) {
      case 0:
        out.push(
          `resource "aws_security_group" "sg${n}" {`,
          `  name        = "sg-${n}"`,
          `  description = "group ${n}"`,
          '  vpc_id      = aws_vpc.main.id',
          '  ingress {',
          '    description = "ssh"',
          '    from_port   = 22',
          '    to_port     = 22',
          '    protocol    = "tcp"',
          `    cidr_blocks = ${n % 8 === 0 ? 'var.admin_cidrs' : '[local.office, "10.1.2.0/24"]'}`,
          '  }',
          '  ingress {',
          '    description     = "from lb"',
          '    from_port       = 8080',
          '    to_port         = 8080',
          '    protocol        = "tcp"',
          `    security_groups = [aws_security_group.sg${Math.max(0, n - 4)}.id]`,
          '  }',
          '  dynamic "ingress" {',
          '    for_each = local.ports',
          '    content {',
          '      description = "web"',
          '      from_port   = ingress.value',
          '      to_port     = ingress.value',
          '      protocol    = "tcp"',
          '      cidr_blocks = ["0.0.0.0/0"]',
          '    }',
          '  }',
          '  egress {',
          '    from_port   = 0',
          '    to_port     = 0',
          '    protocol    = "-1"',
          '    cidr_blocks = ["0.0.0.0/0"]',
          '  }',
          '  tags = {',
          `    Name = "sg-${n}"`,
          '  }',
          '}',
        );
        break;
      case 1:
        out.push(
          `resource "aws_security_group_rule" "r${n}" {`,
          '  type              = "ingress"',
          `  from_port         = ${5000 + n}`,
          `  to_port           = ${5000 + n}`,
          '  protocol          = "tcp"',
          `  cidr_blocks       = ["10.${n % 250}.0.0/16"]`,
          `  security_group_id = aws_security_group.sg${n - 1}.id`,
          '}',
        );
        break;
      case 2:
        out.push(
          `resource "aws_vpc_security_group_ingress_rule" "v${n}" {`,
          `  security_group_id = aws_security_group.sg${n - 2}.id`,
          '  ip_protocol       = "tcp"',
          '  from_port         = 5432',
          '  to_port           = 5432',
          `  referenced_security_group_id = aws_security_group.sg${n - 2}.id`,
          '}',
        );
        break;
      default:
        out.push(
          `resource "aws_instance" "i${n}" {`,
          '  ami           = "ami-123"',
          '  instance_type = "t3.micro"',
          `  vpc_security_group_ids = [aws_security_group.sg${n - 3}.id]`,
          '  tags = {',
          `    Name = "i-${n}"`,
          '  }',
          '}',
        );
    }
    out.push('');
  }
  // Whole blocks only (a cut block would be a syntax error and take the error-recovery path).
  return out.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

async function main(): Promise<void> {
  const language = await initIac();
  const text = generateTerraform(5000);
  const lineCount = text.split('\n').length - 1;
  const broken = generateTerraform(5000).slice(0, -200); // the same file cut mid-block: the error path
  // A value missing mid-file, brackets still balanced: the masked parse finds the error, so the
  // real text is parsed too (mask.ts) — the worst case of the masking.
  const gap = text.indexOf('from_port   = 22', text.length >> 1);
  const missingValue = text.slice(0, gap) + 'from_port   =   ' + text.slice(gap + 16);

  // Full parse + all rules.
  let findings = 0;
  let groups = 0;
  const full: number[] = [];
  const fullCpu: number[] = [];
  const parseOnly: number[] = [];
  for (let i = 0; i < 60; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const hcl = parseTerraform(text);
    const t1 = performance.now();
    const r = analyzeTerraformModule([{ path: 'main.tf', hcl }]);
    const t2 = performance.now();
    const c = process.cpuUsage(c0);
    if (i >= 10) {
      full.push(t2 - t0);
      fullCpu.push((c.user + c.system) / 1000);
      parseOnly.push(t1 - t0);
    }
    findings = r.findings.length;
    groups = r.model.groups.length;
  }

  // tree-sitter's own share (parse + free the tree, none of our code): the floor for the full figure.
  // parseTerraform gives tree-sitter the text with plain strings masked (mask.ts); the real text's
  // parse is shown beside it.
  const tsParser = new Parser();
  tsParser.setLanguage(language);
  const masked = maskForParse(text);
  if (masked === null) throw new Error('the generated file should be masked');
  const tsTimes = (input: string): { wall: number[]; cpu: number[] } => {
    return timeRuns(40, 10, () => tsParser.parse(input)?.delete());
  };
  const tsMasked = tsTimes(masked);
  const tsReal = tsTimes(text);
  tsParser.delete();

  // The same file cut mid-block (as while typing): tree-sitter recovers, lowering checks every node.
  const errorPath = (input: string): { wall: number[]; cpu: number[] } => {
    return timeRuns(30, 10, () => analyzeTerraformModule([{ path: 'main.tf', hcl: parseTerraform(input) }]));
  };
  const { wall: brokenFull, cpu: brokenCpu } = errorPath(broken);
  const missing = errorPath(missingValue);

  // Incremental: edit one line (a CIDR) back and forth.
  const doc = new TerraformDocument('main.tf', text);
  const lines = text.split('\n');
  const target = lines.findIndex((l, i) => i > lineCount / 2 && l.includes('"10.1.2.0/24"'));
  const col = lines[target].indexOf('10.1.2.0/24');
  const offset = lines.slice(0, target).join('\n').length + 1 + col;
  const variants = ['10.1.2.0/24', '10.1.3.0/24'];
  let cur = text;
  let curValue = variants[0];
  const incr: number[] = [];
  const incrCpu: number[] = [];
  const editorStep: number[] = [];
  for (let i = 0; i < 220; i++) {
    const next = curValue === variants[0] ? variants[1] : variants[0];
    const newText = cur.slice(0, offset) + next + cur.slice(offset + curValue.length);
    const change: TextChange = { range: { start: { line: target, column: col }, end: { line: target, column: col + curValue.length } }, rangeOffset: offset, rangeLength: curValue.length, text: next };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    doc.update(newText, [change]);
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    if (i >= 20) incrCpu.push((c.user + c.system) / 1000);
    if (i % 2 === 0) {
      analyzeTerraformModule([{ path: 'main.tf', hcl: doc.file }]);
      const t2 = performance.now();
      if (i >= 20) editorStep.push(t2 - t0);
    }
    if (i >= 20) incr.push(t1 - t0);
    cur = newText;
    curValue = next;
  }
  doc.dispose();

  const fmt = (x: number): string => `${x.toFixed(2)} ms`;
  const verdict = (x: number, target: number): string => (x < target ? `ok (< ${target} ms)` : `OVER TARGET (${target} ms)`);
  const load = (await import('node:os')).loadavg()[0];
  const cores = (await import('node:os')).cpus().length;
  console.log(`IaC benchmark: generated Terraform, ${lineCount} lines, ${groups} security groups, ${findings} findings (load average ${load.toFixed(1)} on ${cores} cores)`);
  console.log(`  full parse + model + all rules   median ${fmt(median(full))}  p95 ${fmt(p95(full))}  ${verdict(median(full), 30)}`);
  console.log(`    CPU time of this process          median ${fmt(median(fullCpu))}  (wall time is inflated when other processes compete for the cores)`);
  console.log(`    of which tree-sitter parse + lower  median ${fmt(median(parseOnly))}`);
  console.log(`    tree-sitter alone (parse + free)    median ${fmt(median(tsMasked.wall))}  CPU ${fmt(median(tsMasked.cpu))}  (strings and blanks masked, as parseTerraform does; no lowering/model/rules change goes below this)`);
  console.log(`      the same on the real text         median ${fmt(median(tsReal.wall))}  CPU ${fmt(median(tsReal.cpu))}  (what masking saves)`);
  console.log(`  same, file cut mid-block (syntax error) median ${fmt(median(brokenFull))}  CPU ${fmt(median(brokenCpu))}`);
  console.log(`  same, one value missing (balanced)   median ${fmt(median(missing.wall))}  CPU ${fmt(median(missing.cpu))}  (masked parse, then the real text)`);
  console.log(`  incremental re-parse, 1-line edit median ${fmt(median(incr))}  p95 ${fmt(p95(incr))}  ${verdict(median(incr), 5)}`);
  console.log(`    CPU time of this process          median ${fmt(median(incrCpu))}`);
  console.log(`  editor step (re-parse + model + rules) median ${fmt(median(editorStep))}  p95 ${fmt(p95(editorStep))}`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

/** Runs `fn` `runs` times; wall and CPU milliseconds of each run after the first `warm`. */
function timeRuns(runs: number, warm: number, fn: () => unknown): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    if (i >= warm) {
      wall.push(t1 - t0);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  return { wall, cpu };
}
