/**
 * The part of JQL the simulated Jira understands: `AND`/`OR`/`NOT` with parentheses, `in`/`not in`
 * lists, `=`/`!=` and date comparisons (`>=`, `<=`, `>`, `<`) against a date or a relative offset
 * such as `-400d`, and `ORDER BY`. Enough for any query the connector builds plus simple extra
 * conditions; anything else is answered as Jira answers a bad query (400 with errorMessages).
 */

export interface JqlIssue {
  key: string;
  project: string;
  issueType: string;
  labels: string[];
  status: string;
  statusCategory: 'new' | 'indeterminate' | 'done';
  created: Date;
  updated: Date;
  resolved: Date | null;
}

export class JqlError extends Error {}

type Token = { kind: 'word' | 'string' | 'op' | 'punct'; text: string };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|(!=|>=|<=|=|>|<|~)|([(),])|([A-Za-z0-9_.\-*]+))/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < q.length) {
    re.lastIndex = at;
    m = re.exec(q);
    if (!m) {
      if (q.slice(at).trim() === '') break;
      throw new JqlError(`Error in the JQL Query: the character '${q.slice(at).trim()[0]}' is a reserved JQL character (at position ${at}).`);
    }
    at = re.lastIndex;
    if (m[1] !== undefined) out.push({ kind: 'string', text: m[1].replace(/\\(.)/g, '$1') });
    else if (m[2]) out.push({ kind: 'op', text: m[2] });
    else if (m[3]) out.push({ kind: 'punct', text: m[3] });
    else if (m[4]) out.push({ kind: 'word', text: m[4] });
  }
  return out;
}

type Predicate = (i: JqlIssue) => boolean;

const categoryNames: Record<string, JqlIssue['statusCategory']> = { 'to do': 'new', new: 'new', 'in progress': 'indeterminate', indeterminate: 'indeterminate', done: 'done' };
const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseJql(query: string, now: Date): { where: Predicate; orderBy: { field: string; desc: boolean }[] } {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.text.toLowerCase() === w;
  const expect = (what: string) => {
    const t = tokens[pos++];
    if (!t) throw new JqlError(`Error in the JQL Query: Expecting ${what} but reached the end of the query.`);
    return t;
  };
  const value = (): string => {
    const t = expect('a value');
    if (t.kind !== 'string' && t.kind !== 'word') throw new JqlError(`Error in the JQL Query: Expecting a value but got '${t.text}'.`);
    return t.text;
  };
  const when = (v: string): number => {
    const rel = /^([+-]?\d+)([mhdw])$/.exec(v);
    if (rel) return now.getTime() + Number(rel[1]) * units[rel[2]!]!;
    const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v.replace(' ', 'T') + (v.includes('Z') ? '' : 'Z'));
    if (Number.isNaN(t)) throw new JqlError(`Date value '${v}' for field is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`);
    return t;
  };

  const textOf = (field: string): ((i: JqlIssue) => string[]) | undefined => {
    switch (field) {
      case 'project':
        return (i) => [i.project];
      case 'issuetype':
      case 'type':
        return (i) => [i.issueType];
      case 'labels':
        return (i) => i.labels;
      case 'status':
        return (i) => [i.status];
      case 'key':
      case 'issuekey':
        return (i) => [i.key];
      case 'statuscategory':
        return (i) => [i.statusCategory];
      default:
        return undefined;
    }
  };
  const dateOf = (field: string): ((i: JqlIssue) => Date | null) | undefined =>
    ({ created: (i: JqlIssue) => i.created, updated: (i: JqlIssue) => i.updated, resolved: (i: JqlIssue) => i.resolved, resolutiondate: (i: JqlIssue) => i.resolved })[field];

  const clause = (): Predicate => {
    const f = expect('a field');
    const field = f.text.toLowerCase();
    let op = expect('an operator').text.toLowerCase();
    if (op === 'not') {
      if (!isWord(expect("'in'"), 'in')) throw new JqlError("Error in the JQL Query: Expecting 'in' after 'not'.");
      op = 'not in';
    }
    const norm = (s: string) => (field === 'statuscategory' ? (categoryNames[s.toLowerCase()] ?? s.toLowerCase()) : s.toLowerCase());
    const text = textOf(field);
    const date = dateOf(field);
    if (!text && !date) throw new JqlError(`Field '${f.text}' does not exist or you do not have permission to view it.`);
    if (op === 'in' || op === 'not in') {
      if (!text) throw new JqlError(`The operator '${op}' is not supported by the '${f.text}' field.`);
      if (expect("'('").text !== '(') throw new JqlError("Error in the JQL Query: Expecting '(' after 'in'.");
      const list: string[] = [value()];
      while (peek()?.text === ',') {
        pos++;
        list.push(value());
      }
      if (expect("')'").text !== ')') throw new JqlError("Error in the JQL Query: Expecting ')' to close the list.");
      const wanted = new Set(list.map(norm));
      const hit = (i: JqlIssue) => text(i).some((v) => wanted.has(norm(v)));
      return op === 'in' ? hit : (i) => !hit(i);
    }
    const v = value();
    if (op === '=' || op === '!=') {
      if (date) {
        const t = when(v);
        return (i) => ((date(i)?.getTime() ?? NaN) === t) === (op === '=');
      }
      return (i) => text!(i).some((x) => norm(x) === norm(v)) === (op === '=');
    }
    if (!date) throw new JqlError(`The operator '${op}' is not supported by the '${f.text}' field.`);
    const t = when(v);
    const cmp: Record<string, (a: number) => boolean> = { '>=': (a) => a >= t, '<=': (a) => a <= t, '>': (a) => a > t, '<': (a) => a < t };
    if (!cmp[op]) throw new JqlError(`The operator '${op}' is not supported by the '${f.text}' field.`);
    return (i) => {
      const d = date(i);
      return d !== null && cmp[op]!(d.getTime());
    };
  };
  const unary = (): Predicate => {
    if (isWord(peek(), 'not')) {
      pos++;
      const inner = unary();
      return (i) => !inner(i);
    }
    if (peek()?.text === '(') {
      pos++;
      const inner = or();
      if (expect("')'").text !== ')') throw new JqlError("Error in the JQL Query: Expecting ')'.");
      return inner;
    }
    return clause();
  };
  const and = (): Predicate => {
    const parts = [unary()];
    while (isWord(peek(), 'and')) {
      pos++;
      parts.push(unary());
    }
    return (i) => parts.every((p) => p(i));
  };
  const or = (): Predicate => {
    const parts = [and()];
    while (isWord(peek(), 'or')) {
      pos++;
      parts.push(and());
    }
    return (i) => parts.some((p) => p(i));
  };

  const where = tokens.length === 0 || isWord(peek(), 'order') ? () => true : or();
  const orderBy: { field: string; desc: boolean }[] = [];
  if (isWord(peek(), 'order')) {
    pos++;
    if (!isWord(expect("'by'"), 'by')) throw new JqlError("Error in the JQL Query: Expecting 'by' after 'order'.");
    do {
      if (peek()?.text === ',') pos++;
      const field = value().toLowerCase();
      const dir = isWord(peek(), 'asc') || isWord(peek(), 'desc') ? tokens[pos++]!.text.toLowerCase() : 'asc';
      orderBy.push({ field, desc: dir === 'desc' });
    } while (peek()?.text === ',');
  }
  if (pos < tokens.length) throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got '${tokens[pos]!.text}'.`);
  return { where, orderBy };
}
