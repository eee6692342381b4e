import type { Node, Parser } from 'web-tree-sitter';

/**
 * A shell script as the validator sees it: the simple commands it would run (from every
 * list, pipeline, subshell, loop body, and command or process substitution), with each
 * word evaluated statically where that is possible, and the problems found on the way.
 */
export interface Word {
  /** The word after quote removal and escapes, or null when it has an expansion. */
  value: string | null;
  /** Unquoted glob, brace or tilde characters: the shell would expand it. */
  glob: boolean;
  /** The source text. */
  raw: string;
  /** Why it cannot be known statically ("$VAR", "$(...)"), or null. */
  dynamic: string | null;
}

export interface Redirect {
  /** The operator: >, >>, <, &>, >|, <<, <<<, >&, … */
  op: string;
  /** The file descriptor on the left (2 in 2>/dev/null), or null. */
  fd: number | null;
  /** Destination file (or here-string / here-doc body for << and <<<). */
  target: Word | null;
}

export interface SimpleCommand {
  words: Word[];
  assignments: { name: string; value: Word }[];
  redirects: Redirect[];
  /** The command's own source text. */
  text: string;
  /** The command whose output this one reads, in a pipeline (echo -1000 | tee FILE). */
  pipedFrom?: SimpleCommand;
}

export type ProblemKind = 'unparseable' | 'function' | 'too-deep';

export interface Problem {
  kind: ProblemKind;
  message: string;
}

export interface ParsedScript {
  commands: SimpleCommand[];
  problems: Problem[];
}

const EXPANSIONS: Record<string, string> = {
  simple_expansion: 'a variable',
  expansion: 'a parameter expansion',
  command_substitution: 'a command substitution',
  process_substitution: 'a process substitution',
  arithmetic_expansion: 'an arithmetic expansion',
};

/** Parses shell text with tree-sitter-bash into simple commands. */
export function parseScript(parser: Parser, text: string): ParsedScript {
  const tree = parser.parse(text);
  if (tree === null) return { commands: [], problems: [{ kind: 'unparseable', message: 'The shell parser returned nothing for this text.' }] };
  try {
    const out: ParsedScript = { commands: [], problems: [] };
    const root = tree.rootNode;
    if (root.hasError) {
      const bad = firstError(root);
      const where = bad ? ` near "${clip(bad.text || text.slice(bad.startIndex, bad.startIndex + 20))}" (offset ${bad.startIndex})` : '';
      out.problems.push({
        kind: 'unparseable',
        message: `This is not valid shell syntax${where}: an unbalanced quote, bracket or keyword. Fix the syntax and check again.`,
      });
    }
    statements(root, [], out);
    return out;
  } finally {
    tree.delete();
  }
}

function firstError(node: Node): Node | null {
  if (node.isError || node.isMissing) return node;
  for (const child of node.children) {
    if (child && (child.hasError || child.isMissing || child.isError)) {
      const found = firstError(child);
      if (found) return found;
    }
  }
  return null;
}

function clip(s: string): string {
  return s.length > 30 ? `${s.slice(0, 30)}…` : s;
}

/** Walks statements; `redirects` are inherited from an enclosing redirected statement. */
function statements(node: Node, redirects: Redirect[], out: ParsedScript): void {
  switch (node.type) {
    case 'command':
      command(node, redirects, out);
      return;
    case 'redirected_statement': {
      const own: Redirect[] = [...redirects];
      let body: Node | null = null;
      for (let i = 0; i < node.childCount; i++) {
        const child = node.child(i);
        if (!child) continue;
        const field = node.fieldNameForChild(i);
        if (field === 'redirect' || isRedirect(child)) own.push(redirect(child, out));
        else if (field === 'body' || child.isNamed) body = child;
      }
      if (body) statements(body, own, out);
      else out.commands.push({ words: [], assignments: [], redirects: own, text: node.text });
      return;
    }
    case 'variable_assignment':
    case 'variable_assignments': {
      const assignments = node.type === 'variable_assignment' ? [assignment(node, out)] : node.namedChildren.flatMap((c) => (c ? [assignment(c, out)] : []));
      out.commands.push({ words: [], assignments, redirects, text: node.text });
      return;
    }
    case 'declaration_command':
    case 'unset_command': {
      const words: Word[] = [];
      const assignments: { name: string; value: Word }[] = [];
      for (const child of node.children) {
        if (!child) continue;
        if (child.type === 'variable_assignment') assignments.push(assignment(child, out));
        else if (!child.isNamed) words.push({ value: child.type, glob: false, raw: child.text, dynamic: null });
        else words.push(word(child, out));
      }
      out.commands.push({ words, assignments, redirects, text: node.text });
      return;
    }
    case 'function_definition': {
      const name = node.childForFieldName('name')?.text ?? '?';
      out.problems.push({
        kind: 'function',
        message: `Defines a shell function "${name}": a later command with that name would run the function body, not what its name says (this is how fork bombs are written). Run the commands themselves instead.`,
      });
      break; // the body is judged too, as if it ran
    }
    case 'test_command':
    case 'c_style_for_statement':
    case 'arithmetic_expansion':
      // Only substitutions inside can run anything.
      substitutions(node, out);
      return;
    case 'for_statement':
    case 'case_statement':
    case 'while_statement':
    case 'if_statement':
      substitutionsInHeader(node, out);
      break;
    case 'comment':
      return;
    case 'pipeline': {
      let prev: SimpleCommand | undefined;
      for (const child of node.namedChildren) {
        if (!child) continue;
        const start = out.commands.length;
        statements(child, redirects, out);
        const last = out.commands.length > start ? out.commands.at(-1) : undefined;
        if (last && prev && (child.type === 'command' || child.type === 'redirected_statement')) last.pipedFrom = prev;
        prev = last;
      }
      return;
    }
    default:
      break;
  }
  for (const child of node.namedChildren) {
    if (child) statements(child, redirects, out);
  }
}

/** Loop values, case subjects: their substitutions run. */
function substitutionsInHeader(node: Node, out: ParsedScript): void {
  for (let i = 0; i < node.childCount; i++) {
    const field = node.fieldNameForChild(i);
    const child = node.child(i);
    if (child && (field === 'value' || field === 'variable')) substitutions(child, out);
  }
}

function isRedirect(node: Node): boolean {
  return node.type === 'file_redirect' || node.type === 'heredoc_redirect' || node.type === 'herestring_redirect';
}

function command(node: Node, inherited: Redirect[], out: ParsedScript): void {
  const cmd: SimpleCommand = { words: [], assignments: [], redirects: [...inherited], text: node.text };
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    const field = node.fieldNameForChild(i);
    if (child.type === 'variable_assignment') cmd.assignments.push(assignment(child, out));
    else if (isRedirect(child)) cmd.redirects.push(redirect(child, out));
    else if (field === 'name') cmd.words.push(word(child.type === 'command_name' ? (child.firstChild ?? child) : child, out));
    else if (field === 'argument') cmd.words.push(word(child, out));
    else if (child.isNamed && child.type !== 'comment') cmd.words.push(word(child, out));
  }
  out.commands.push(cmd);
}

function assignment(node: Node, out: ParsedScript): { name: string; value: Word } {
  const name = node.childForFieldName('name')?.text ?? node.text.split('=')[0] ?? '';
  const valueNode = node.childForFieldName('value');
  const value = valueNode ? word(valueNode, out) : { value: '', glob: false, raw: '', dynamic: null };
  return { name, value };
}

function redirect(node: Node, out: ParsedScript): Redirect {
  let op = '';
  let fd: number | null = null;
  let target: Word | null = null;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    const field = node.fieldNameForChild(i);
    if (field === 'descriptor' || child.type === 'file_descriptor') fd = Number(child.text);
    else if (!child.isNamed) op += child.text;
    else if (child.type === 'heredoc_start' || child.type === 'heredoc_end') continue;
    else if (child.type === 'heredoc_body') target = heredocBody(child, out);
    else if (field === 'destination' || target === null) target = word(child, out);
  }
  return { op: op.trim(), fd, target };
}

function heredocBody(node: Node, out: ParsedScript): Word {
  substitutions(node, out);
  const dynamic = dynamicIn(node);
  return { value: dynamic === null ? node.text : null, glob: false, raw: node.text, dynamic };
}

function dynamicIn(node: Node): string | null {
  const what = EXPANSIONS[node.type];
  if (what !== undefined) return `${what} (${clip(node.text)})`;
  for (const child of node.namedChildren) {
    const d = child ? dynamicIn(child) : null;
    if (d !== null) return d;
  }
  return null;
}

/** Commands inside $(...), `...`, <(...) run too: collect them. */
function substitutions(node: Node, out: ParsedScript): void {
  if (node.type === 'command_substitution' || node.type === 'process_substitution') {
    for (const child of node.namedChildren) if (child) statements(child, [], out);
    return;
  }
  for (const child of node.namedChildren) if (child) substitutions(child, out);
}

/** Evaluates a word statically: quote removal, escapes, $'…'; expansions make it dynamic. */
export function word(node: Node, out: ParsedScript): Word {
  substitutions(node, out);
  const state = { glob: false, dynamic: null as string | null };
  const value = evaluate(node, state);
  return { value: state.dynamic === null ? value : null, glob: state.glob, raw: node.text, dynamic: state.dynamic };
}

function evaluate(node: Node, state: { glob: boolean; dynamic: string | null }): string {
  const what = EXPANSIONS[node.type];
  if (what !== undefined) {
    state.dynamic ??= `${what} (${clip(node.text)})`;
    return '';
  }
  switch (node.type) {
    case 'word':
    case 'number':
    case 'variable_name':
    case 'command_name': {
      if (node.type === 'command_name' && node.firstChild) return evaluate(node.firstChild, state);
      return unquoted(node.text, state);
    }
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'ansi_c_string':
      return ansiC(node.text.slice(2, -1));
    case 'string':
    case 'translated_string': {
      let s = '';
      for (const child of node.children) {
        if (!child || !child.isNamed) continue;
        if (child.type === 'string_content') s += doubleQuoted(child.text);
        else s += evaluate(child, state);
      }
      return s;
    }
    case 'concatenation': {
      let s = '';
      for (const child of node.children) if (child) s += child.isNamed ? evaluate(child, state) : unquoted(child.text, state);
      return s;
    }
    case 'brace_expression':
    case 'extglob_pattern':
      state.glob = true;
      return node.text;
    default:
      state.dynamic ??= `shell syntax the validator cannot evaluate (${node.type}: ${clip(node.text)})`;
      return '';
  }
}

function unquoted(text: string, state: { glob: boolean }): string {
  let s = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) continue;
      i++;
      if (next !== '\n') s += next;
      continue;
    }
    if (c === '*' || c === '?' || c === '[' || c === '{' || c === '}' || (c === '~' && i === 0)) state.glob = true;
    s += c;
  }
  return s;
}

function doubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}

const C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function ansiC(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/gs, (_m, e: string) => {
    if (e.startsWith('x') || e.startsWith('u') || e.startsWith('U')) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    if (e.startsWith('c')) return String.fromCharCode(e.charCodeAt(1) & 31);
    return C_ESCAPES[e] ?? `\\${e}`;
  });
}

/** Quotes argv words so that parsing the result gives back exactly these words. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

export function quoteWord(w: string): string {
  if (w !== '' && /^[A-Za-z0-9_@%+:,./-]+$/.test(w)) return w;
  return `'${w.replace(/'/g, `'\\''`)}'`;
}
