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
  /**
   * Runs unconditionally in the script's own shell, before what follows it: a statement of
   * the script itself, not inside a list, loop, branch, subshell or background job. Only such
   * an assignment makes a variable's value known to later commands.
   */
  top?: boolean;
  /** Variables the shell sets to values only known at run time (for NAME in …, select NAME). */
  sets?: string[];
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

/** Deeper than this, a syntax tree is not walked (recursion would exhaust the stack): no real command nests so far. */
const MAX_TREE_DEPTH = 400;
/** Heredoc repairs per script (see repairHeredoc); each fixes one spot. */
const MAX_REPAIRS = 32;
/** Words one word may become by brace expansion; more is no diagnostic command. */
export const MAX_BRACE_WORDS = 256;
/** Control characters other than tab and newline: bash and tree-sitter-bash read them differently. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL = /[\x01-\x08\x0b-\x1f\x7f]/;
/** Case terminators, which bash accepts only inside case … esac. */
const CASE_TERMINATORS = [';;', ';&', ';;&'];
/** Reserved words that bash refuses as a command's first word (tree-sitter-bash takes a stray one for a command name). */
const MISPLACED_WORDS = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}', 'in', ']]', '))']);

/** Parses shell text with tree-sitter-bash into simple commands. */
export function parseScript(parser: Parser, text: string): ParsedScript {
  const control = text.search(CONTROL);
  if (control !== -1) {
    // Also for nested text (sh -c $'…\r…'), which the top-level check in index.ts does not see.
    return { commands: [], problems: [{ kind: 'unparseable', message: `The shell text contains the control character U+${text.charCodeAt(control).toString(16).toUpperCase().padStart(4, '0')} at offset ${control}, which bash and procdoc's parser read differently. Remove it and check again.` }] };
  }
  let source = text;
  let tree = parser.parse(source);
  for (let i = 0; tree !== null && tree.rootNode.hasError && i < MAX_REPAIRS; i++) {
    const repaired = repairHeredoc(tree.rootNode, source);
    if (repaired === null) break;
    tree.delete();
    source = repaired;
    tree = parser.parse(source);
  }
  if (tree === null) return { commands: [], problems: [{ kind: 'unparseable', message: 'The shell parser returned nothing for this text.' }] };
  try {
    const out: ParsedScript = { commands: [], problems: [] };
    const root = tree.rootNode;
    if (deeperThan(root, MAX_TREE_DEPTH)) {
      out.problems.push({
        kind: 'too-deep',
        message: `This command is nested too deeply to judge (more than ${MAX_TREE_DEPTH} levels of subshells, braces, substitutions or expressions). No real command needs that; write it flat and check again.`,
      });
      return out;
    }
    if (root.hasError) {
      const bad = firstError(root);
      const where = bad ? ` near "${clip(bad.text || source.slice(bad.startIndex, bad.startIndex + 20))}" (offset ${bad.startIndex})` : '';
      out.problems.push({
        kind: 'unparseable',
        message: `This is not valid shell syntax${where}: an unbalanced quote, bracket or keyword. Fix the syntax and check again.`,
      });
    }
    for (const t of root.descendantsOfType(CASE_TERMINATORS)) {
      if (t && t.parent?.type !== 'case_item' && t.parent?.type !== 'case_statement') {
        out.problems.push({ kind: 'unparseable', message: `"${t.type}" at offset ${t.startIndex} ends a case branch, but there is no case here: bash rejects this as a syntax error. Separate commands with ; or a newline.` });
      }
    }
    statements(root, [], out);
    return out;
  } finally {
    tree.delete();
  }
}

/** Whether the tree is deeper than `limit`, found without recursion. */
function deeperThan(root: Node, limit: number): boolean {
  const cursor = root.walk();
  try {
    for (;;) {
      if (cursor.currentDepth > limit) return true;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return false;
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Rewrites one spot that tree-sitter-bash 0.25 cannot parse after a heredoc opener into text
 * that means the same to bash, or returns null. Two such spots:
 * - an unquoted delimiter written against an operator (`<<EOF;`, `<<EOF|sh`): tree-sitter takes
 *   `EOF;` as the delimiter, bash ends the word at the operator. A space goes in between.
 * - `;` or `&` after the opener (`cat <<EOF ; kill 1`): tree-sitter has no rule for it. What
 *   follows the separator on that line runs after the first command, so it moves to a line of
 *   its own after the heredoc's body, where any heredoc it opens finds its own body next.
 * Nothing is dropped but that one `;` or `&`, and what is left unparseable stays denied.
 */
function repairHeredoc(root: Node, text: string): string | null {
  for (const start of root.descendantsOfType('heredoc_start')) {
    const glued = start ? /^[A-Za-z0-9_.-]+(?=[;&|<>()])/.exec(start.text) : null;
    if (start && glued) {
      const at = start.startIndex + glued[0].length;
      return `${text.slice(0, at)} ${text.slice(at)}`;
    }
  }
  for (const error of root.descendantsOfType('ERROR')) {
    if (!error || error.childCount !== 1 || (error.child(0)?.type !== ';' && error.child(0)?.type !== '&')) continue;
    let owner = error.parent;
    while (owner && owner.type !== 'heredoc_redirect') owner = owner.parent;
    if (!owner) continue;
    const opener = owner.children.find((c) => c?.type === 'heredoc_start');
    const end = owner.children.find((c) => c?.type === 'heredoc_end');
    const body = owner.children.find((c) => c?.type === 'heredoc_body') ?? end;
    if (!opener || !end || !body) continue;
    // The newline that ends the opener's line; the body starts after it.
    const eol = text.lastIndexOf('\n', body.startIndex - 1);
    if (error.startIndex < opener.endIndex || eol < error.endIndex) continue;
    return `${text.slice(0, error.startIndex)}${text.slice(eol, end.endIndex)}\n${text.slice(error.endIndex, eol)}${text.slice(end.endIndex)}`;
  }
  return null;
}

/** The first error or missing node, found without recursion (a broken script can be deep). */
function firstError(root: Node): Node | null {
  let node: Node | null = root;
  while (node) {
    if (node.isError || node.isMissing) return node;
    node = node.children.find((c) => c !== null && (c.hasError || c.isMissing || c.isError)) ?? null;
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
      const heredocs: Heredoc[] = [];
      let body: Node | null = null;
      for (let i = 0; i < node.childCount; i++) {
        const child = node.child(i);
        if (!child) continue;
        const field = node.fieldNameForChild(i);
        if (child.type === 'heredoc_redirect') {
          const h = heredoc(child, out);
          heredocs.push(h);
          own.push(h.redirect, ...h.redirects);
        } else if (field === 'redirect' || isRedirect(child)) own.push(redirect(child, out));
        else if (field === 'body' || child.isNamed) body = child;
      }
      const start = out.commands.length;
      if (body) statements(body, own, out);
      else out.commands.push({ words: [], assignments: [], redirects: own, text: node.text });
      const main = out.commands.length > start ? out.commands.at(-1) : undefined;
      const words = heredocs.flatMap((h) => h.words);
      if (words.length > 0) {
        // `x=1 <<EOF cat`: the words after the opener are the command's.
        if (main && (body === null || SIMPLE.has(body.type))) main.words.push(...words);
        else out.problems.push({ kind: 'unparseable', message: `Words follow a heredoc opener where no command can take them (${clip(node.text)}). Fix the syntax and check again.` });
      }
      for (const h of heredocs) for (const next of h.then) continuation(next, main, redirects, out);
      return;
    }
    case 'variable_assignment':
    case 'variable_assignments': {
      const assignments = node.type === 'variable_assignment' ? [assignment(node, out)] : node.namedChildren.flatMap((c) => (c ? [assignment(c, out)] : []));
      out.commands.push({ words: [], assignments, redirects, text: node.text, top: topLevel(node) });
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
        else words.push(...expandedWords(child, out));
      }
      out.commands.push({ words, assignments, redirects, text: node.text, top: topLevel(node) });
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
    case 'test_command': {
      // [[ … ]] as a command of its own words, so that the builtins' judge sees its operands
      // (-eq and friends evaluate them as arithmetic, -v as a subscript).
      substitutions(node, out);
      const words: Word[] = [];
      testWords(node, words, out);
      out.commands.push({ words, assignments: [], redirects, text: node.text, top: topLevel(node) });
      return;
    }
    case 'compound_statement':
      if (node.firstChild?.type !== '((') break;
      arithmetic(node, redirects, out);
      return;
    case 'c_style_for_statement':
      arithmetic(node, redirects, out);
      return;
    case 'arithmetic_expansion':
      // Only substitutions inside can run anything.
      substitutions(node, out);
      return;
    case 'for_statement': {
      // for NAME in …, select NAME in …: the shell sets NAME.
      const name = node.childForFieldName('variable');
      if (name) out.commands.push({ words: [], assignments: [], redirects: [], text: `${node.firstChild?.text ?? 'for'} ${name.text}`, sets: [name.text] });
      substitutionsInHeader(node, out);
      break;
    }
    case 'case_statement':
    case 'while_statement':
    case 'if_statement':
      substitutionsInHeader(node, out);
      break;
    case 'comment':
      return;
    case 'pipeline': {
      const head = node.namedChildren[0];
      if (head && (head.text === 'time' || head.text === '!')) out.problems.push({ kind: 'unparseable', message: `"${head.text}" starts a pipeline without a command: bash rejects this as a syntax error. Put the command after it.` });
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

/**
 * (( … )) and for (( … )): the arithmetic text becomes one word of a command "((" for the
 * builtins' judge, since bash evaluates it as an expression, in which names are variables
 * whose values are expressions in turn. A loop's body runs too.
 */
function arithmetic(node: Node, redirects: Redirect[], out: ParsedScript): void {
  substitutions(node, out);
  const open = node.children.find((c) => c?.type === '((');
  const close = node.children.find((c) => c?.type === '))');
  const text = open && close ? node.text.slice(open.endIndex - node.startIndex, close.startIndex - node.startIndex) : node.text;
  out.commands.push({ words: [literal('(('), { value: text, glob: false, raw: text, dynamic: null }], assignments: [], redirects, text: node.text, top: topLevel(node) });
  for (const child of node.namedChildren) if (child && (child.type === 'do_group' || child.type === 'compound_statement')) statements(child, redirects, out);
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
  // heredoc_redirect is not among these: it carries more than a redirection (see heredoc()).
  return node.type === 'file_redirect' || node.type === 'herestring_redirect';
}

/** Statements whose simple command can take the words written after a heredoc opener. */
const SIMPLE = new Set(['command', 'variable_assignment', 'variable_assignments']);

/**
 * A heredoc redirection as tree-sitter-bash 0.25 builds it: besides the body, the node holds
 * what follows the opener on its line (`cat <<EOF >out && next`, `cat <<EOF | next`):
 * redirections and words of the same command, and the statements that run after it.
 */
interface Heredoc {
  redirect: Redirect;
  redirects: Redirect[];
  words: Word[];
  then: { pipe: boolean; node: Node }[];
}

function heredoc(node: Node, out: ParsedScript): Heredoc {
  const h: Heredoc = { redirect: { op: '', fd: null, target: null }, redirects: [], words: [], then: [] };
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    const field = node.fieldNameForChild(i);
    if (field === 'descriptor' || child.type === 'file_descriptor') h.redirect.fd = Number(child.text);
    else if (child.type === '<<' || child.type === '<<-') h.redirect.op = child.type;
    else if (child.type === 'heredoc_body') h.redirect.target = heredocBody(child, out);
    else if (child.type === 'heredoc_start' || child.type === 'heredoc_end' || child.type === 'ERROR' || !child.isNamed) continue;
    else if (field === 'redirect' || isRedirect(child)) h.redirects.push(redirect(child, out));
    else if (field === 'right') h.then.push({ pipe: false, node: child });
    else if (child.type === 'pipeline') for (const stage of child.namedChildren) if (stage) h.then.push({ pipe: true, node: stage });
    else if (field === 'argument') h.words.push(...expandedWords(child, out));
    else out.problems.push({ kind: 'unparseable', message: `procdoc does not know what "${clip(child.text)}" after a heredoc opener does (${child.type}). Write it on a line of its own and check again.` });
  }
  // A heredoc without a body line still reads from its own (empty) text, not from stdin.
  h.redirect.target ??= { value: '', glob: false, raw: '', dynamic: null };
  return h;
}

/** A statement after a heredoc opener's line: `| next` reads the command's output, `&& next` runs after it. */
function continuation(next: { pipe: boolean; node: Node }, from: SimpleCommand | undefined, inherited: Redirect[], out: ParsedScript): void {
  statements(next.node, inherited, out);
  const last = out.commands.at(-1);
  if (next.pipe && from && last && last !== from && (next.node.type === 'command' || next.node.type === 'redirected_statement')) last.pipedFrom = from;
}

function command(node: Node, inherited: Redirect[], out: ParsedScript): void {
  const cmd: SimpleCommand = { words: [], assignments: [], redirects: [...inherited], text: node.text };
  const after: Heredoc[] = [];
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (!child) continue;
    const field = node.fieldNameForChild(i);
    if (child.type === 'variable_assignment') cmd.assignments.push(assignment(child, out));
    else if (child.type === 'heredoc_redirect') {
      const h = heredoc(child, out);
      cmd.redirects.push(h.redirect, ...h.redirects);
      cmd.words.push(...h.words);
      after.push(h);
    } else if (isRedirect(child)) cmd.redirects.push(redirect(child, out));
    else if (field === 'name') {
      if (MISPLACED_WORDS.has(child.text)) out.problems.push({ kind: 'unparseable', message: `"${child.text}" at offset ${child.startIndex} is a reserved word where a command should start: bash rejects this as a syntax error. Fix the syntax and check again.` });
      cmd.words.push(...expandedWords(child.type === 'command_name' ? (child.firstChild ?? child) : child, out));
    }
    else if (field === 'argument') cmd.words.push(...expandedWords(child, out));
    else if (child.isNamed && child.type !== 'comment') cmd.words.push(...expandedWords(child, out));
  }
  if (topLevel(node)) cmd.top = true;
  out.commands.push(cmd);
  for (const h of after) for (const next of h.then) continuation(next, cmd, [...inherited], out);
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
    else if (field === 'destination' || target === null) {
      const all = expandedWords(child, out);
      // Several words are bash's "ambiguous redirect"; marked as a pattern, it is not allowed.
      target = all.length === 1 ? all[0]! : { ...word(child, out), glob: true };
    }
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
  const state = evaluation();
  evaluate(node, state);
  return finish(state.text, state.active, state, node.text);
}

/**
 * The words bash makes of one word by brace expansion (a{b,c} → ab ac, {1..3} → 1 2 3), each
 * evaluated as word() does. A word that expands to more than MAX_BRACE_WORDS is a problem.
 */
export function expandedWords(node: Node, out: ParsedScript): Word[] {
  substitutions(node, out);
  const state = evaluation();
  evaluate(node, state);
  if (state.dynamic !== null || !state.active.includes(true)) return [finish(state.text, state.active, state, node.text)];
  const expanded = braceExpand({ text: state.text, active: state.active }, MAX_BRACE_WORDS);
  if (expanded === null) {
    out.problems.push({ kind: 'unparseable', message: `${clip(node.text)} expands to more than ${MAX_BRACE_WORDS} words (brace expansion): procdoc does not judge that many. Write the words you mean.` });
    return [{ value: null, glob: true, raw: node.text, dynamic: `a brace expansion of more than ${MAX_BRACE_WORDS} words (${clip(node.text)})` }];
  }
  return expanded.map((e) => finish(e.text, e.active, state, node.text));
}

/** A word's characters after quote removal, each marked whether the shell still acts on it (not quoted or escaped). */
interface Evaluation {
  text: string;
  active: boolean[];
  glob: boolean;
  dynamic: string | null;
}

function evaluation(): Evaluation {
  return { text: '', active: [], glob: false, dynamic: null };
}

function emit(state: Evaluation, text: string, active: boolean): void {
  state.text += text;
  for (let i = 0; i < text.length; i++) state.active.push(active);
}

/** The Word of evaluated text: a glob when an unquoted *, ? or [ remains, or ~ starts it. */
function finish(text: string, active: readonly boolean[], state: Evaluation, raw: string): Word {
  let glob = state.glob;
  for (let i = 0; i < text.length && !glob; i++) {
    const c = text[i]!;
    if (active[i] === true && (c === '*' || c === '?' || c === '[' || (c === '~' && i === 0))) glob = true;
  }
  return { value: state.dynamic === null ? text : null, glob, raw, dynamic: state.dynamic };
}

function evaluate(node: Node, state: Evaluation): void {
  const what = EXPANSIONS[node.type];
  if (what !== undefined) {
    state.dynamic ??= `${what} (${clip(node.text)})`;
    return;
  }
  switch (node.type) {
    case 'word':
    case 'number':
    case 'variable_name':
    case 'command_name':
      if (node.type === 'command_name' && node.firstChild) return evaluate(node.firstChild, state);
      return unquoted(node.text, state);
    case 'raw_string':
      return emit(state, node.text.slice(1, -1), false);
    case 'ansi_c_string':
      return emit(state, ansiC(node.text.slice(2, -1)), false);
    case 'string':
    case 'translated_string':
      for (const child of node.children) {
        if (!child || !child.isNamed) continue;
        if (child.type === 'string_content') emit(state, doubleQuoted(child.text), false);
        else evaluate(child, state);
      }
      return;
    case 'concatenation':
      for (const child of node.children) {
        if (child?.isNamed) evaluate(child, state);
        else if (child) unquoted(child.text, state);
      }
      return;
    case 'brace_expression':
      return emit(state, node.text, true);
    case 'extglob_pattern':
      state.glob = true;
      return emit(state, node.text, true);
    case 'regex':
      // The right side of =~ in [[ ]]: a pattern, neither expanded nor globbed.
      return emit(state, node.text, false);
    default:
      state.dynamic ??= `shell syntax the validator cannot evaluate (${node.type}: ${clip(node.text)})`;
  }
}

function unquoted(text: string, state: Evaluation): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) continue;
      i++;
      if (next !== '\n') emit(state, next, false);
      continue;
    }
    emit(state, c, true);
  }
}

interface Marked {
  text: string;
  active: boolean[];
}

/**
 * Bash's brace expansion of one word: the first unquoted {…} with a comma at its own level,
 * or a sequence {x..y[..step]}, becomes one word per alternative, preamble and postscript
 * expanded in turn; {}, {x} and quoted braces stay as they are. Null when more than `limit`.
 */
export function braceExpand(word: Marked, limit: number): Marked[] | null {
  const { text, active } = word;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '{' || !active[i]) continue;
    let depth = 0;
    let close = -1;
    const commas: number[] = [];
    for (let j = i + 1; j < text.length; j++) {
      if (!active[j]) continue;
      const c = text[j];
      if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) {
          close = j;
          break;
        }
        depth--;
      } else if (c === ',' && depth === 0) commas.push(j);
    }
    if (close === -1) continue;
    const part = (from: number, to: number): Marked => ({ text: text.slice(from, to), active: active.slice(from, to) });
    let alternatives: Marked[];
    if (commas.length > 0) {
      alternatives = [i, ...commas].map((from, k) => part(from + 1, commas[k] ?? close));
    } else {
      const inner = part(i + 1, close);
      const seq = inner.active.every(Boolean) ? sequence(inner.text, limit) : null;
      if (seq === 'too-many') return null;
      if (seq === null) continue;
      alternatives = seq.map((t) => ({ text: t, active: [...t].map(() => true) }));
    }
    const pre = part(0, i);
    const post = braceExpand(part(close + 1, text.length), limit);
    if (post === null) return null;
    const results: Marked[] = [];
    for (const alt of alternatives) {
      const expanded = braceExpand(alt, limit);
      if (expanded === null) return null;
      for (const a of expanded) {
        for (const p of post) {
          results.push({ text: pre.text + a.text + p.text, active: [...pre.active, ...a.active, ...p.active] });
          if (results.length > limit) return null;
        }
      }
    }
    return results;
  }
  return [word];
}

/** The words of a sequence expression {1..5}, {05..1..2}, {a..e}, or null when it is not one. */
function sequence(text: string, limit: number): string[] | 'too-many' | null {
  const m = /^(?:(-?\d+)\.\.(-?\d+)|([A-Za-z])\.\.([A-Za-z]))(?:\.\.(-?\d+))?$/.exec(text);
  if (!m) return null;
  const step = Math.abs(Number(m[5] ?? '1')) || 1;
  const numeric = m[1] !== undefined;
  const from = numeric ? Number(m[1]) : m[3]!.charCodeAt(0);
  const to = numeric ? Number(m[2]) : m[4]!.charCodeAt(0);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return null;
  if (Math.floor(Math.abs(to - from) / step) + 1 > limit) return 'too-many';
  // {01..10}: a leading zero on either end pads every number to the longer width.
  const padded = numeric && (/^-?0\d/.test(m[1]!) || /^-?0\d/.test(m[2]!));
  const width = padded ? Math.max(m[1]!.length, m[2]!.length) : 0;
  const out: string[] = [];
  const dir = to >= from ? 1 : -1;
  for (let v = from; dir > 0 ? v <= to : v >= to; v += dir * step) {
    if (!numeric) out.push(String.fromCharCode(v));
    else if (width === 0) out.push(String(v));
    else out.push(v < 0 ? `-${String(-v).padStart(width - 1, '0')}` : String(v).padStart(width, '0'));
  }
  return out;
}

/** A word that is exactly this text. */
function literal(text: string): Word {
  return { value: text, glob: false, raw: text, dynamic: null };
}

/** Whether a statement runs unconditionally in the script's shell, in order (SimpleCommand.top). */
function topLevel(node: Node): boolean {
  return node.parent?.type === 'program' && node.nextSibling?.type !== '&';
}

/** The operands and operators of [[ … ]] as words: [[, …, ]]. */
function testWords(node: Node, words: Word[], out: ParsedScript): void {
  for (const child of node.children) {
    if (!child) continue;
    if (['binary_expression', 'unary_expression', 'parenthesized_expression', 'negation_expression'].includes(child.type)) testWords(child, words, out);
    else if (!child.isNamed || child.type === 'test_operator') words.push(literal(child.text));
    else words.push(word(child, out));
  }
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
