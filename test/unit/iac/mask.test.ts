// Plain strings masked for tree-sitter (mask.ts) must change nothing but the parse time: every
// text lowers to exactly what a parse of the real text gives (values, ranges, comments, problems).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { initIac, parseTerraform } from '../../../src/core/iac';
import { parseUnmasked } from '../../../src/core/iac/terraform/parser';
import { maskForParse } from '../../../src/core/iac/terraform/mask';

before(async () => {
  await initIac();
});

let maskedCount = 0;
function same(text: string): void {
  assert.deepEqual(parseTerraform(text), parseUnmasked(text), JSON.stringify(text));
  if (maskForParse(text) !== null) maskedCount++;
}

const RICH = `# header comment "with quotes"
variable "admin_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0", "10.0.0.0/8"] # trailing "comment"
}
locals {
  m = { a = "b", "c" : 1, "d-e" = "f" } // another "one"
  t = "\${var.x[0]}-\${local.m.a}" /* a "block" comment */
  u = "a \\"quoted\\" word\\n"
  v = "$\${literal} %%{also}"
  w = "\${join(",", ["x y", "z"])}"
  h = <<EOT
text with "quotes" and # hashes
  EOT
  h2 = <<-EOT
    indented "x"
    EOT
  e = ""
  f = "ünïcode 😀"
  g = lookup(local.m, "a", "default")
  x = local.m["a"]
  y = var.c == "" ? "yes" : "no"
  z = [for s in var.l : "\${s}-x" if s != "skip"]
  n = -1
  k = { "key" = "value" }
}
resource "aws_security_group" "s" {
  name        = "s"
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
  dynamic "egress" {
    for_each = local.ports
    content {
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  tags = {
    "Name" = "x"
    Other  = "y"
  }
}
resource aws_instance i { ami = "ami-1" }
data "aws_vpc" "v" {}
module "m" {
  source = "./m"
  list   = ["a","b",]
}
`;

describe('masked parse (plain strings hidden from tree-sitter)', () => {
  it('keeps the length and every line break, and replaces only plain strings', () => {
    const masked = maskForParse(RICH);
    assert.ok(masked);
    assert.equal(masked.length, RICH.length);
    for (let i = 0; i < RICH.length; i++) if (RICH[i] === '\n' || masked[i] === '\n') assert.equal(masked[i], RICH[i], `offset ${i}`);
    assert.ok(masked.includes('resource s___________________ s__ {'), 'labels become identifiers');
    assert.ok(masked.includes('protocol = 111111'), 'values become numbers');
    assert.ok(masked.includes('"\\${var.x[0]}-\\${local.m.a}"'.replace(/\\\$/g, '$')), 'templates stay');
    assert.ok(masked.includes('"a \\"quoted\\" word\\n"'), 'escapes stay');
    assert.ok(masked.includes('text with "quotes" and # hashes'), 'heredoc bodies stay');
    assert.ok(masked.includes('# header comment "with quotes"'), 'comments stay');
  });

  it('gives up on what it does not follow exactly (the real text is parsed)', () => {
    for (const t of ['x = "unclosed\n', 'x = [1,\n', 'x = 1 /* open', 'x = "a" }', 'x = "${a"\n', 'no strings = 1\n']) {
      assert.equal(maskForParse(t), null, JSON.stringify(t));
    }
  });

  it('leaves strings whose replacement could join a neighbour or change meaning', () => {
    for (const t of ['x = a"b"\n', 'x = "a".b\n', 'x = -"a"\n', 'x = "a"e1\n', 'x = "a""b"\n', 'x = a."b"\n', 'x = "a"(1)\n', 'x = <<"a"\n']) {
      const m = maskForParse(t);
      assert.ok(m === null || m === t, `${JSON.stringify(t)} → ${JSON.stringify(m)}`);
      same(t);
    }
  });

  it('lowers to exactly what the real text gives: a rich file and every prefix of it', { timeout: 60000 }, () => {
    same(RICH);
    for (let i = 0; i <= RICH.length; i += 7) same(RICH.slice(0, i));
  });

  it('lowers to exactly what the real text gives: the test fixtures', () => {
    const dirs = ['test/unit/iac/fixtures', 'test/extension/workspace', 'samples/demo/terraform'];
    const files: string[] = [];
    const walk = (d: string): void => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(tf|tfvars)$/.test(e.name)) files.push(p);
      }
    };
    dirs.forEach(walk);
    assert.ok(files.length > 0);
    for (const f of files) same(fs.readFileSync(f, 'utf8'));
  });

  it('errors, labels in odd places and invalid tokens: the same result as the real text', () => {
    const cases = [
      'resource "a" "b" { # c\n  x = "y"\n}\n',
      'resource "a"\n  "b" {\n}\n',
      '"resource" "a" {\n}\n',
      'x = { "a" = 1 }\n"b" = 2\n',
      'b "l" { x = "1" }\n',
      'x = [for k, "v" in m : k]\n',
      'x = "a\u0000b"\n',
      'x = "a\tb"\n',
      'x = "a" "b"\n',
      'x = ["a" "b"]\n',
      'x = "a"\ny = "b\n',
      'x = 1\r\ny = "a"\r\n',
      'resource "a" "b" {\r\n  x = "y"\r\n}\r\n',
      '{"a": "b", "c": ["d"]}\n',
      'x = "${"inner"}"\n',
      'x = "%{ if true }a%{ endif }"\n',
      'x = <<EOT\nEOT\n',
      'x = <<EOT\n"a"\nEOTX\nEOT\ny = "b"\n',
      'x = "a" ? "b" : "c"\n',
      'x = !"a"\n',
      'x = "a" == "b" && "c" != ""\n',
      'x = ("a")\n',
      'x = f("a", "b")\n',
      'x = f(\n  "a",\n  "b"\n)\n',
      'x = a["b"]["c"]\n',
      'x = a[*].b\n',
      'b "l1" "l2" "l3" {\n  c "l4" {\n    d = "e"\n  }\n}\n',
      'b "" {\n}\n',
      'b "with space" "é" {\n}\n',
      // blanks masked as comments: inside expressions the lowering skips them
      'x = -\n        1\n',
      'x = -    1\n',
      'x = var.x.\n        y\n',
      'x = var.l[\n          0\n        ]\n',
      'x = f(\n        "a",\n        g(\n          "b"\n        )\n      )\n',
      'x = a ?\n        "b"\n        : "c"\n',
      'x = {\n        "k"    = 1\n        k2     = 2\n      }\n',
      'a    == b\n',
      'x = a    == b\n',
      'x = { for k, v in m : k    => v }\n',
      'x    = 1\n    # comment\n    // comment\n    /* c */\n',
      'b "l" {\n        x    = "y"    # c\n\t\t\t\ty    = 2\n}\n',
      'x = "${\n        a\n      }"\n',
      'x = <<EOT\n        body    = 1\n      EOT\n',
    ];
    for (const t of cases) same(t);
  });

  it('random token soups lower exactly as the real text', { timeout: 120000 }, () => {
    const token = fc.constantFrom(
      'resource', '"aws_security_group"', '"x"', '""', '"a b"', 'x', 'y', '=', ' = ', '{', '}', '[', ']', '(', ')', ',', ':', '?', '.', '-', '!',
      '\n', ' ', '  ', '\t', '# c "q"\n', '// c\n', '/* "c" */', '"${', '}"', '"%{', '<<EOT\n', 'EOT\n', '"a\\"b"', '"$${x}"', '1', '0.0.0.0/0', 'for', 'in',
      '"', '\\', '$', '%', '*', '=>', '\r\n', '"ü"', 'ingress', 'cidr_blocks = ["0.0.0.0/0"]\n', 'from_port = 22\n', 'b "l" {\n', '}\n',
      '    ', '\t\t\t\t', '\n      ', 'x     = ',
    );
    maskedCount = 0;
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (parts) => {
        same(parts.join(''));
      }),
      { numRuns: 1500 },
    );
    assert.ok(maskedCount > 30, `only ${maskedCount} soups were masked`);
  });

  it('random well-formed files with every kind of string lower exactly as the real text', { timeout: 120000 }, () => {
    const str = fc.oneof(
      fc.constantFrom('"tcp"', '"0.0.0.0/0"', '""', '"a b"', '"${var.x}"', '"a\\nb"', '"$${lit}"', '"ü😀"', '"x # y"', '"// z"', '"/* w */"', '"a\tb"'),
      fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
    );
    const value = fc.oneof(str, fc.constantFrom('1', '-1', 'true', 'null', 'var.x', 'local.m["k"]', 'f("a", 2)', '[for s in l : "s"]'), fc.array(str, { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`));
    const attr = fc
      .tuple(fc.constantFrom('a', 'cidr_blocks', 'description', 'x-y'), fc.constantFrom(' ', '     ', '\t\t\t\t'), value, fc.constantFrom('', ' # c', ' // "c"'), fc.constantFrom('  ', '      '))
      .map(([k, pad, v, c, indent]) => `${indent}${k}${pad}= ${v}${c}\n`);
    const block = fc.tuple(fc.constantFrom('resource', 'data', 'ingress', 'locals'), fc.array(fc.oneof(str, fc.constantFrom('lbl')), { maxLength: 3 }), fc.array(attr, { maxLength: 5 })).map(
      ([t, labels, attrs]) => `${t}${labels.map((l) => ' ' + l).join('')} {\n${attrs.join('')}}\n`,
    );
    maskedCount = 0;
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), (blocks) => {
        same(blocks.join('\n'));
      }),
      { numRuns: 800 },
    );
    assert.ok(maskedCount > 400, `only ${maskedCount} files were masked`);
  });

  it('well-formed files with random tokens inserted lower exactly as the real text', { timeout: 120000 }, () => {
    const token = fc.constantFrom('"', '"a"', '""', 'x', '.', '-', '=', ',', '{', '}', '[', ']', '(', ')', '\n', ' ', '#', '//', '/*', '*/', '${', '<<EOT\n', 'EOT\n', '\\', '$', ':', '?', '1', 'for ', ' in ', '!', '*', '    ', '\n        ', '\t\t\t\t');
    maskedCount = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), token), { minLength: 1, maxLength: 3 }), (inserts) => {
        let text = RICH;
        for (const [at, t] of inserts) {
          const k = at % (text.length + 1);
          text = text.slice(0, k) + t + text.slice(k);
        }
        same(text);
      }),
      { numRuns: 600 },
    );
    assert.ok(maskedCount > 100, `only ${maskedCount} mutants were masked`);
  });
});
