// The text fast path must give exactly what lowering from the tree gives (values and ranges).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Parser, type Language, type Node } from 'web-tree-sitter';
import { initIac } from '../../../src/core/iac';
import { lowerExpr } from '../../../src/core/iac/terraform/parser';
import { fastExpr } from '../../../src/core/iac/terraform/fastexpr';
import { LineIndex } from '../../../src/core/iac/value';

let lang: Language;
before(async () => {
  lang = await initIac();
});

const CASES = [
  '22',
  '-1',
  '1.5',
  'true',
  'null',
  '"tcp"',
  '"a\\"b\\\\c\\n"',
  '""',
  'var.admin_cidrs',
  'local.m["k"].x',
  'aws_vpc.main.cidr_block',
  'var.list[0]',
  'ingress.value',
  '["0.0.0.0/0", var.x, "10.0.0.0/8"]',
  '[\n  "a", # c\n  "b",\n]',
  '{ Name = "x", "k-2" = 1 }',
  '{\n  a = "1"\n  b = ["2"]\n}',
  '[]',
  '{}',
];

const NOT_FAST = ['"${var.x}-y"', 'concat(var.a, var.b)', 'var.a == "" ? 1 : 2', 'var.list[*].id', '[for x in var.l : x]', '1 + 2', '<<EOT\nhi\nEOT\n'];

function exprNode(root: Node): Node {
  const find = (n: Node): Node | null => {
    if (n.type === 'expression' && n.parent?.type === 'attribute') return n;
    for (const c of n.namedChildren) {
      const f = c && find(c);
      if (f) return f;
    }
    return null;
  };
  return find(root)!;
}

describe('fast expression path', () => {
  it('matches tree lowering exactly on simple expressions', () => {
    const p = new Parser();
    p.setLanguage(lang);
    for (const e of CASES) {
      const text = `  x = ${e}\n`;
      const tree = p.parse(text)!;
      const n = exprNode(tree.rootNode);
      const fast = fastExpr(text, n.startIndex, n.endIndex, new LineIndex(text));
      assert.ok(fast, `fast path declined ${JSON.stringify(e)}`);
      assert.deepEqual(fast, lowerExpr(n), e);
      tree.delete();
    }
    p.delete();
  });

  it('declines templates, calls, operators, splats, for-expressions and heredocs', () => {
    const p = new Parser();
    p.setLanguage(lang);
    for (const e of NOT_FAST) {
      const text = `x = ${e}\n`;
      const tree = p.parse(text)!;
      const n = exprNode(tree.rootNode);
      assert.equal(fastExpr(text, n.startIndex, n.endIndex, new LineIndex(text)), null, e);
      tree.delete();
    }
    p.delete();
  });
});
