/**
 * The text tree-sitter parses for a one-shot Terraform parse, with plain strings and long runs of
 * blanks hidden.
 *
 * Two things in the HCL grammar make tree-sitter work per character: its external scanner returns
 * one token per character inside a quoted string, and every blank is a token of its own (the
 * `_whitespace` extra is `/\s/`). So tree-sitter spent about a third of a parse on the characters
 * of strings like "10.0.0.0/16" or "aws_security_group", which we read from the text ourselves
 * anyway, and a sixth on indentation and the blanks that align `=`. This module replaces
 *
 * - each *plain* string (no escapes, no `${`/`%{`, no control characters, on one line) by one
 *   token of the same length: a number (`"tcp"` → `11111`) where a value goes, an identifier
 *   (`s____`) for a block label;
 * - each run of four or more blanks that indents a line or comes before the `=` of an attribute
 *   by a block comment of the same length (`/*  *\/`): one extra token instead of one per blank.
 *   Extras may stand between any two tokens, so the tree keeps its shape; the lowering skips
 *   these comments (their real text is blanks).
 *
 * Lengths and line breaks are unchanged, so every node keeps its offsets, rows and columns; the
 * lowering reads values from the real text.
 *
 * Only replacements that are valid exactly where the string is are made: a number or string is a
 * `literal_value` wherever either is allowed; labels are masked only on a line of the form
 * `type label… {`; a value only after `=[({,:?` and before a character that cannot join the new
 * token to its neighbour (`x"a"`, `"a".b`, `- "a"`, `"a"e1` are left alone). Comments, heredocs and
 * templates (strings and blanks inside `${…}` stay) are followed as the grammar's scanner follows
 * them. Anything this reader does not follow exactly (unclosed strings, comments or heredocs,
 * unbalanced brackets, `<<` that does not start a heredoc) gives `null`: the caller parses the
 * real text. The caller also re-parses the real text when the masked parse has a syntax error, so
 * the tree of a file with errors is always tree-sitter's own.
 */

/**
 * The last significant character (blanks and comments skipped) before a string a number may stand
 * for: one of `=[({,:?`, or none (-1). Not after `-` (`- "a"` would become a negative number), `!`,
 * `.`, `>`, a name or another string.
 */
function okBefore(c: number): boolean {
  return c === -1 || c === 61 || c === 91 || c === 40 || c === 123 || c === 44 || c === 58 || c === 63;
}

/** The character right after a string a number may stand for: a blank, one of `,])}:?=#/`, or the end. */
function okAfter(c: number): boolean {
  return Number.isNaN(c) || c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 93 || c === 41 || c === 125 || c === 58 || c === 63 || c === 61 || c === 35 || c === 47;
}

/**
 * The last significant character before a line can be one that ends a value: a name or number
 * character, `"`, `)`, `]`, `}`, or the block-body `{` (or nothing yet, -1). tree-sitter-hcl reads a
 * newline as a blank, so after `=`, an operator, `.`, `,`, `?`, `:`, `(`, `[` … the expression goes on
 * into the next line: `name =⏎dynamic "ingress" {` is `name = dynamic` then `"ingress" {`, a syntax
 * error; masked as `s________ {` it would be a valid block typed by the label. Such lines keep their
 * strings.
 */
function valueEnd(c: number): boolean {
  return c === -1 || isNameChar(c) || c === 34 || c === 41 || c === 93 || c === 125 || c === 123;
}

/** `type label… {` from a line start: a block header whose string labels become identifiers. */
const HEADER = /[ \t]*[A-Za-z_][\w-]*(?:[ \t]+(?:"(?:[^"\\\n$%]|\\[^\n]|[$%](?!\{))*"|[A-Za-z_][\w-]*))+[ \t]*\{/y;
const HEREDOC = /<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/y;
/** The characters the code scanner stops at; anything else only updates the last significant one. */
const SPECIAL = /[\n#/"<{}[\]()=]/g;

const FAIL = -1;

/** How deep `${…}` may nest in strings and heredocs (the scan recurses): deeper gives up (null). */
const MAX_TEMPLATE_DEPTH = 64;

/** Same-length stand-ins, built once per length. */
const numbers: string[] = [];
const idents: string[] = [];
function numberOf(n: number): string {
  return (numbers[n] ??= '1'.repeat(n));
}
function identOf(n: number): string {
  return (idents[n] ??= 's' + '_'.repeat(n - 1));
}
const blanks: string[] = [];
/** A block comment standing for `n` ≥ 4 blanks. */
function blanksOf(n: number): string {
  return (blanks[n] ??= '/*' + ' '.repeat(n - 4) + '*/');
}

/**
 * The text with plain strings and blanks replaced as described above, or null when nothing was replaced or
 * the text has constructs this reader does not follow (then parse `src` itself).
 */
export function maskForParse(src: string): string | null {
  const n = src.length;
  // Replacements in text order: [start, end, kind] triples (kind NUMBER, IDENT or BLANKS).
  const edits: number[] = [];
  let copied = 0; // the end of the last replacement
  const replace = (s: number, e: number, kind: number): void => {
    edits.push(s, e, kind);
    copied = e;
  };

  /** Code in a `${…}` / `%{…}` from `i` (after the brace): the offset after its closing `}`, or FAIL (also when nested too deep). */
  let depth = 0;
  const template = (i: number): number => {
    if (depth >= MAX_TEMPLATE_DEPTH) return FAIL;
    depth++;
    const e = code(i, true);
    depth--;
    return e;
  };

  /** Scans a quoted string from its `"`: the offset after its closing `"`, and whether it is plain. */
  let plain = false;
  const str = (i: number): number => {
    let j = i + 1;
    plain = true;
    for (;;) {
      if (j >= n) return FAIL;
      const c = src.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c === 10) return FAIL;
      if (c === 92 /* \ */) {
        plain = false;
        if (j + 1 >= n || src.charCodeAt(j + 1) === 10) return FAIL;
        j += 2;
      } else if (c === 36 /* $ */ || c === 37 /* % */) {
        plain = false;
        const d = src.charCodeAt(j + 1);
        if (d === 123) {
          // `${` / `%{`: an interpolation or directive, code up to its closing brace.
          j = template(j + 2);
          plain = false;
          if (j === FAIL) return FAIL;
        } else if (d === c && src.charCodeAt(j + 2) === 123) j += 3; // `$${` / `%%{`: literal
        else j++;
      } else {
        if (c < 32 && c !== 9) plain = false; // control characters (NUL ends the scanner's input)
        j++;
      }
    }
  };

  /** A heredoc from `<<`: the offset of the newline that ends its closing line, or FAIL. */
  const heredoc = (i: number): number => {
    HEREDOC.lastIndex = i;
    const m = HEREDOC.exec(src);
    if (!m) return FAIL;
    const id = m[1];
    let p = HEREDOC.lastIndex;
    for (;;) {
      // At a line start: the closing line is the identifier alone (blanks around it), then a newline.
      let s = p;
      while (s < n && isBlank(src.charCodeAt(s))) s++;
      if (src.startsWith(id, s)) {
        let e = s + id.length;
        while (e < n && isBlank(src.charCodeAt(e))) e++;
        if (src.charCodeAt(e) === 10) return e;
      }
      // The rest of the line: literal text, `${…}` / `%{…}` (which may span lines), `$${` / `%%{`.
      let j = p;
      for (;;) {
        if (j >= n) return FAIL;
        const c = src.charCodeAt(j);
        if (c === 10) break;
        if ((c === 36 || c === 37) && src.charCodeAt(j + 1) === 123) {
          j = template(j + 2);
          if (j === FAIL) return FAIL;
        } else if ((c === 36 || c === 37) && src.charCodeAt(j + 1) === c && src.charCodeAt(j + 2) === 123) j += 3;
        else j++;
      }
      p = j + 1;
    }
  };

  /**
   * Code from `i` to the end of the text, or (in an interpolation) to the `}` that closes it:
   * the offset after that, or FAIL.
   */
  const code = (i: number, inTemplate: boolean): number => {
    const open: number[] = [];
    let inBrackets = 0; // how many of `open` are `[` or `(`
    let lineStart = !inTemplate && i === 0;
    let last = inTemplate ? 123 : -1; // the last significant character (okBefore)
    for (;;) {
      if (lineStart) {
        lineStart = false;
        // Indentation of four or more blanks: one comment token.
        let k = i;
        while (src.charCodeAt(k) === 32 || src.charCodeAt(k) === 9) k++;
        const after = src.charCodeAt(k);
        if (k - i >= 4 && after !== 47 && after !== 42) replace(i, k, BLANKS);
        const lineAt = i;
        i = k;
        // A block header at a line start outside brackets: its string labels become identifiers.
        // Not after what leaves an expression open (valueEnd: `-` also ends names, but `a -⏎b "c" {` is
        // `a - b`), and not `for "k" in {…}`: in an object that is a for-expression once `"k"` is a name.
        if (inBrackets === 0 && last !== 45 && valueEnd(last) && maybeHeader(src, i) && !isFor(src, i)) {
          HEADER.lastIndex = lineAt;
          if (HEADER.test(src)) {
            const end = HEADER.lastIndex - 1; // the `{`
            for (let k = src.indexOf('"', i); k >= 0 && k < end; k = src.indexOf('"', k)) {
              const e = str(k);
              if (e === FAIL) return FAIL;
              if (plain) replace(k, e, IDENT);
              k = e;
            }
            i = end;
          }
        }
      }
      if (i >= n) return inTemplate || open.length ? FAIL : n;
      const c = src.charCodeAt(i);
      if (c === 10) {
        i++;
        lineStart = !inTemplate;
      } else if (c === 32 || c === 9 || c === 13) {
        i++;
        while (src.charCodeAt(i) === 32) i++;
      }
      else if (c === 35 /* # */ || (c === 47 && src.charCodeAt(i + 1) === 47)) {
        const nl = src.indexOf('\n', i);
        i = nl < 0 ? n : nl;
      } else if (c === 47 && src.charCodeAt(i + 1) === 42 /* / * */) {
        const close = src.indexOf('*/', i + 2);
        if (close < 0) return FAIL;
        i = close + 2;
      } else if (c === 34) {
        const e = str(i);
        if (e === FAIL) return FAIL;
        if (plain && !inTemplate && okBefore(last) && okAfter(src.charCodeAt(e))) replace(i, e, NUMBER);
        i = e;
        last = 34;
      } else if (c === 61 /* = */) {
        // `name    = …` (aligned): the blanks before an attribute's or object key's `=` (not `==`, `=>`).
        let k = i;
        while (k > copied && (src.charCodeAt(k - 1) === 32 || src.charCodeAt(k - 1) === 9)) k--;
        const d = src.charCodeAt(i + 1);
        if (!inTemplate && i - k >= 4 && d !== 61 && d !== 62 && (isNameChar(src.charCodeAt(k - 1)) || src.charCodeAt(k - 1) === 34)) replace(k, i, BLANKS);
        i++;
        last = 61;
      } else if (c === 60 /* < */ && src.charCodeAt(i + 1) === 60) {
        if (inTemplate) return FAIL;
        i = heredoc(i);
        if (i === FAIL) return FAIL;
        last = 34; // a whole value, like a string
      } else if (c === 123 || c === 91 || c === 40) {
        open.push(c);
        if (c !== 123) inBrackets++;
        i++;
        last = c;
      } else if (c === 125 || c === 93 || c === 41) {
        if (open.length === 0) return inTemplate && c === 125 ? i + 1 : FAIL;
        const o = open.pop()!;
        if ((o === 123 && c !== 125) || (o === 91 && c !== 93) || (o === 40 && c !== 41)) return FAIL;
        if (o !== 123) inBrackets--;
        i++;
        last = c;
      } else {
        // A run of names, numbers, operators and blanks, up to the next character that matters.
        SPECIAL.lastIndex = i + 1;
        const j = SPECIAL.test(src) ? SPECIAL.lastIndex - 1 : n;
        let k = j - 1;
        while (k > i && isBlank(src.charCodeAt(k))) k--;
        last = src.charCodeAt(k);
        i = j;
      }
    }
  };

  if (code(0, false) === FAIL || edits.length === 0) return null;
  return apply(src, edits);
}

const NUMBER = 0;
const IDENT = 1;
const BLANKS = 2;

/** The text with the replacements made: in a byte buffer when every character is Latin-1 (native fills), else by pieces. */
function apply(src: string, edits: number[]): string {
  if (!NOT_LATIN1.test(src)) {
    const buf = Buffer.from(src, 'latin1');
    for (let k = 0; k < edits.length; k += 3) {
      const s = edits[k];
      const e = edits[k + 1];
      const kind = edits[k + 2];
      // (byte loops: most runs are short, where fill() costs more than it saves)
      if (kind === NUMBER) for (let i = s; i < e; i++) buf[i] = 0x31; // 1
      else if (kind === IDENT) {
        buf[s] = 0x73; // s
        for (let i = s + 1; i < e; i++) buf[i] = 0x5f; // _
      } else {
        buf[s] = 0x2f; // /
        buf[s + 1] = 0x2a; // *
        for (let i = s + 2; i < e - 2; i++) buf[i] = 0x20;
        buf[e - 2] = 0x2a;
        buf[e - 1] = 0x2f;
      }
    }
    return buf.toString('latin1');
  }
  const out: string[] = [];
  let copied = 0;
  for (let k = 0; k < edits.length; k += 3) {
    const s = edits[k];
    const e = edits[k + 1];
    const kind = edits[k + 2];
    out.push(src.slice(copied, s), kind === NUMBER ? numberOf(e - s) : kind === IDENT ? identOf(e - s) : blanksOf(e - s));
    copied = e;
  }
  out.push(src.slice(copied));
  return out.join('');
}

const NOT_LATIN1 = /[^\x00-\xff]/;

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45;
}

/** Cheap test before HEADER: a name, blanks, then `"` or another name (most lines are `name = …`). */
function maybeHeader(src: string, i: number): boolean {
  while (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9) i++;
  if (!isNameStart(src.charCodeAt(i))) return false;
  while (isNameChar(src.charCodeAt(i))) i++;
  const at = i;
  while (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9) i++;
  if (i === at) return false;
  const c = src.charCodeAt(i);
  return c === 34 || isNameStart(c);
}

/** The keyword `for` at `i` (a name on its own). */
function isFor(src: string, i: number): boolean {
  return src.charCodeAt(i) === 102 && src.charCodeAt(i + 1) === 111 && src.charCodeAt(i + 2) === 114 && !isNameChar(src.charCodeAt(i + 3));
}

/** Blanks as the grammar's scanner skips them (not the newline). */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}
