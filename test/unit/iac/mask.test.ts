// Plain strings masked for tree-sitter (mask.ts) must change nothing but the parse time: every
// text lowers to exactly what a parse of the real text gives (values, ranges, comments, problems).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { initIac, parseTerraform } from '../../../src/core/iac';
import { parseMasked, parseUnmasked } from '../../../src/core/iac/terraform/parser';
import { maskForParse } from '../../../src/core/iac/terraform/mask';

before(async () => {
  await initIac();
});

let maskedCount = 0;
/** Texts whose masked tree was used (no syntax error in it): the comparisons that test something. */
let usedCount = 0;
function same(text: string): void {
  assert.deepEqual(parseTerraform(text), parseUnmasked(text), JSON.stringify(text));
  const masked = maskForParse(text);
  if (masked !== null) {
    maskedCount++;
    if (parseMasked(text, masked) !== null) usedCount++;
  }
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

  it('a line left unfinished before a labelled block header: the syntax error stays, no block typed by a label', () => {
    // tree-sitter-hcl reads a newline as a blank: `name =` takes the next line's `dynamic` as its
    // value. Masked, `"ingress" {` would become a valid block `s________ {`; with the string it is an error.
    const half = 'resource "aws_security_group" "web" {\n  name =\n  dynamic "ingress" {\n    for_each = [22]\n    content { cidr_blocks = ["0.0.0.0/0"] }\n  }\n}\n';
    const f = parseTerraform(half);
    assert.ok(f.problems.length > 0, 'the half-typed attribute is a syntax error');
    const types = (bs: typeof f.blocks): string[] => bs.flatMap((b) => [b.type, ...types(b.blocks)]);
    assert.ok(!types(f.blocks).some((t) => t.startsWith('"')), JSON.stringify(types(f.blocks)));
    same(half);
    const ends = ['=', '==', '!=', '+', '-', '*', '/', '%', '&&', '||', '!', '<', '>', '<=', '>=', '?', 'b ?', 'b ? c :', ':', '.', 'a.', ',', '=>', '...'];
    for (const end of ends) {
      for (const head of ['b "c" {\n}\n', 'resource "aws_security_group" "b" {\n  name = "b"\n}\n', 'dynamic "ingress" {\n  content {\n  }\n}\n', 'b "c" "d" {}\n']) {
        same(`x = a ${end}\n${head}`);
        same(`x = ${end}\n${head}`);
        same(`locals {\n  x = ${end}\n  ${head}}\n`);
        same(`x = { a = 1${end}\n${head}}\n`);
      }
    }
    // `for` opens a for-expression in an object: `for "k" in {…}` is an error, `for s__ in {…}` is not.
    same('x = {\nfor "k" in {\n} : a => b\n}\n');
    same('x = {\nfor "k" in {} : a => b }\n');
  });

  it('safety net: a masked tree in which a block starts at a label of the real text is not used', () => {
    // Texts the mask no longer makes (mask.ts keeps the strings of such headers), masked by hand:
    // every string (all labels here) as a name.
    const asNames = (t: string): string => t.replace(/"[^"\n]*"/g, (m) => 's' + '_'.repeat(m.length - 1));
    const cases = [
      'x = a ==\nb "c" {\n}\n',
      'locals {\n  x = a +\n  b "c" {\n  }\n}\n',
      // inside a block the extractors skip (its comment makes the lowering walk the tree for it)
      'resource "aws_instance" "i" {\n  # c\n  x = a ==\n  b "c" {\n  }\n}\n',
    ];
    for (const text of cases) {
      assert.equal(parseMasked(text, asNames(text)), null, text);
      assert.ok(parseTerraform(text).problems.length > 0);
    }
    // The same kind of hand-masked text without the slip is used.
    assert.ok(parseMasked('x = a\nb "c" {\n}\n', asNames('x = a\nb "c" {\n}\n')));
  });

  it('deep nesting: the mask gives up and the lowering leaves the deep part unread, with a problem; nothing throws', () => {
    // The mask scan recurses into `${…}`: too deep, it returns null and the real text is parsed.
    const tpl = 'x = ' + '"${'.repeat(3000) + '1' + '}"'.repeat(3000) + '\n';
    assert.equal(maskForParse(tpl), null);
    assert.ok(parseTerraform(tpl).problems.length > 0);
    const heredoc = 'x = <<EOT\n' + '${"'.repeat(3000) + '"}'.repeat(3000) + '\nEOT\n';
    assert.equal(maskForParse(heredoc), null);
    // 64 levels of templates are still masked (the strings around them are plain).
    const ok = 'a = "b"\nx = ' + '"${'.repeat(64) + '1' + '}"'.repeat(64) + '\n';
    assert.ok(maskForParse(ok)?.startsWith('a = 111'));
    // The lowering recurses into values and blocks: deeper than 100 levels is unknown / left out, and said.
    const deepValues = [
      'x = ' + '['.repeat(5000) + ']'.repeat(5000) + '\n',
      'x = ' + '[\n'.repeat(5000) + ']\n'.repeat(5000),
      'x = ' + '{a='.repeat(5000) + '1' + '}'.repeat(5000) + '\n',
      'x = ' + 'f("a",'.repeat(5000) + ')'.repeat(5000) + '\n',
      'x = ' + 'a ? b : '.repeat(5000) + 'c\n',
      'x = a' + '[b'.repeat(5000) + ']'.repeat(5000) + '\n',
      'x = "${' + 'f('.repeat(5000) + ')'.repeat(5000) + '}"\n',
    ];
    for (const t of deepValues) {
      const f = parseTerraform(t);
      assert.equal(f.attrs.length, 1, t.slice(0, 20));
      assert.deepEqual(
        f.problems.map((p) => p.message),
        ['nested more than 100 levels deep: not read'],
      );
      assert.deepEqual(f, parseUnmasked(t));
    }
    const sg = 'resource "aws_security_group" "s" {\n' + 'dynamic "l" {\n'.repeat(5000) + '}\n'.repeat(5000) + '}\n';
    const f = parseTerraform(sg);
    assert.deepEqual(f.problems.map((p) => [p.message, p.range.start.line]), [['nested more than 100 levels deep: not read', 100]]);
    let depth = 0;
    for (let b = f.blocks[0]; b.blocks.length; b = b.blocks[0]) depth++;
    assert.equal(depth, 99);
    assert.deepEqual(f, parseUnmasked(sg));
    // 100 levels are read (99 lists and a string in the innermost), 101 are not.
    for (const [n, last, problems] of [[99, 'str', 0], [100, 'unknown', 1]] as const) {
      const f = parseTerraform('x = ' + '['.repeat(n) + '"a"' + ']'.repeat(n) + '\n');
      let d = 0;
      let x = f.attrs[0].val;
      for (; x.k === 'list'; x = x.items[0]) d++;
      assert.deepEqual([d, x.k, f.problems.length], [n, last, problems]);
    }
  });

  it('random token soups lower exactly as the real text', { timeout: 120000 }, () => {
    const tokens = [
      'resource', '"aws_security_group"', '"x"', '""', '"a b"', 'x', 'y', '=', ' = ', '{', '}', '[', ']', '(', ')', ',', ':', '?', '.', '-', '!',
      '\n', ' ', '  ', '\t', '# c "q"\n', '// c\n', '/* "c" */', '"${', '}"', '"%{', '<<EOT\n', 'EOT\n', '"a\\"b"', '"$${x}"', '1', '0.0.0.0/0', 'for', 'in',
      '"', '\\', '$', '%', '*', '=>', '\r\n', '"ü"', 'ingress', 'cidr_blocks = ["0.0.0.0/0"]\n', 'from_port = 22\n', 'b "l" {\n', '}\n',
      '    ', '\t\t\t\t', '\n      ', 'x     = ',
    ];
    const token = fc.constantFrom(...tokens);
    // Soups of tokens alone are almost never valid (the masked tree then has an error and the real
    // text is parsed: nothing compared). So two thirds of the soups are files of attributes and nested
    // labelled blocks whose values are small soups, some lines left unfinished (`name = a ==`),
    // with a stray token here and there: most parse without error and the masked tree is used.
    const operand = fc.constantFrom('"x"', '"a b"', '""', '1', '-1', 'x', 'var.x', 'x.y[0]', '"${x}"', '"a\\"b"', '"$${x}"', '"ü"', '["a", x]', '{ a = "b" }', '{ "k" : "v" }', 'f("a", 2)', '(x)', '!x', '[for s in l : "s"]', '<<EOT\n"a" {\nEOT\n');
    const binary = fc.constantFrom(' == ', ' + ', ' && ', ' != ', ' * ', ' || ', ' < ', '-', '/', ' % ');
    const expr = fc.tuple(operand, fc.array(fc.tuple(binary, operand), { maxLength: 2 }), fc.boolean(), operand, operand).map(([a, rest, cond, b, c]) => {
      const e = a + rest.map(([o, x]) => o + x).join('');
      return cond ? `${e} ? ${b} : ${c}` : e;
    });
    const dangling = fc.constantFrom('=', '==', '+', '-', '*', '/', '%', '&&', '||', '!', '<', '>=', '?', ':', '.', ',', '(', '[', '=>', '...', 'a.', 'b ?', 'b ? c :', '<<EOT');
    const noise = fc.oneof({ weight: 30, arbitrary: fc.constant('') }, { weight: 1, arbitrary: token });
    const pad = fc.constantFrom(' ', '     ', '\t\t\t\t');
    const indent = fc.constantFrom('', '  ', '      ', '\t\t\t\t');
    const attr = fc
      .tuple(indent, fc.constantFrom('x', 'name', 'cidr_blocks', 'a-b'), pad, fc.oneof({ weight: 15, arbitrary: expr }, { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.constant(''), expr), dangling).map(([e, d]) => `${e} ${d}`) }), noise, fc.constantFrom('', ' # c', ' // "c"'))
      .map(([ind, k, p, v, n, c]) => `${ind}${k}${p}= ${v}${n}${c}\n`);
    const label = fc.constantFrom('"x"', '"aws_security_group"', '"ingress"', '""', '"a b"', 'l', '"ü"', '"${x}"');
    const { block } = fc.letrec((tie) => ({
      block: fc
        .tuple(indent, fc.constantFrom('resource', 'dynamic', 'b', 'for', 'ingress', 'content'), fc.array(label, { maxLength: 3 }), fc.array(fc.oneof({ weight: 3, arbitrary: attr }, { weight: 1, arbitrary: tie('block') as fc.Arbitrary<string> }), { maxLength: 3 }), noise, noise)
        .map(([ind, t, ls, body, n1, n2]) => `${ind}${t}${ls.map((l) => ' ' + l).join('')} {${n1}\n${body.join('')}${ind}}${n2}\n`),
    }));
    const file = fc.array(fc.oneof(attr, block, block), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(''));
    const rawSoup = fc.array(token, { maxLength: 40 }).map((parts) => parts.join(''));
    maskedCount = 0;
    usedCount = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 1, arbitrary: rawSoup }, { weight: 2, arbitrary: file }), (text) => {
        same(text);
      }),
      { numRuns: 2000 },
    );
    assert.ok(usedCount >= 500, `only ${usedCount} soups were masked and their masked tree used (${maskedCount} masked)`);
  });

  it('random lines left unfinished right before a labelled block header lower exactly as the real text', { timeout: 120000 }, () => {
    const before = fc.constantFrom('', 'a', 'a.b', '"s"', 'f("s")', '[1]', '{}', 'a ? b', 'a ? "b" :', '1', '<<EOT\nx\nEOT\n', 'a "l" {');
    const dangling = fc.constantFrom('=', '==', '!=', '+', '-', '*', '/', '%', '&&', '||', '!', '<', '<=', '>', '>=', '?', ':', '.', ',', '(', '[', '{', '=>', '...', 'for', 'in', 'if', '.*', '[*]', '');
    const gap = fc.constantFrom('\n', '\n\n', ' # c\n', ' /* c */\n', '\n    ', '\n\t\t\t\t', '\r\n', ' // c\n  ');
    const header = fc.tuple(fc.constantFrom('dynamic', 'resource', 'b', 'for', 'in', 'if', 'true', 'null'), fc.array(fc.constantFrom('"ingress"', '"aws_security_group"', '"a b"', '""', 'l', '"ü"'), { minLength: 1, maxLength: 3 }));
    const body = fc.constantFrom('}\n', '  x = "y"\n}\n', '  content {\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n', '} : a => b }\n', '}]\n', '})\n');
    const wrap = fc.constantFrom(['', ''], ['resource "aws_security_group" "s" {\n  ', '}\n'], ['x = {\n', '}\n'], ['locals {\n  m = {\n', '}\n}\n']);
    maskedCount = 0;
    usedCount = 0;
    let withErrors = 0;
    fc.assert(
      fc.property(wrap, fc.constantFrom('name', 'x', 'a-b'), before, dangling, gap, header, body, ([open, close], name, b, d, g, [type, labels], rest) => {
        for (const t of [`${open}${name} = ${b} ${d}${g}${type} ${labels.join(' ')} {\n${rest}${close}`, `${open}${b} ${d}${g}${type} ${labels.join(' ')} {\n${rest}${close}`]) {
          same(t);
          if (parseUnmasked(t).problems.length) withErrors++;
        }
      }),
      { numRuns: 1500 },
    );
    // Mostly syntax errors (which the masked parse must not hide); the rest compare masked trees.
    assert.ok(withErrors >= 1500, `only ${withErrors} texts with errors`);
    assert.ok(usedCount >= 50, `only ${usedCount} texts were masked and their masked tree used (${maskedCount} masked)`);
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
