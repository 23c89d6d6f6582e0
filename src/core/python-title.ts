// Python's str.title(), which the original used to name patterns. JS has no
// titlecase mapping, so the characters whose titlecase is not their
// uppercase (digraphs, Georgian, Greek with ypogegrammeni, ŉ) are mapped here.

const CASED = /\p{Cased}/u;
const CASE_IGNORABLE = /\p{Case_Ignorable}/u;
const CAPITAL_SIGMA = '\u03a3';

/** Greek letters with iota subscript whose titlecase is one precomposed letter. */
const GREEK_TITLE: Record<number, number> = { 0x1fb3: 0x1fbc, 0x1fbc: 0x1fbc, 0x1fc3: 0x1fcc, 0x1fcc: 0x1fcc, 0x1ff3: 0x1ffc, 0x1ffc: 0x1ffc };

function titlecase(c: string): string {
  const cp = c.codePointAt(0)!;
  if (cp === 0x149) return '\u02bcN';
  // Ǆ ǅ ǆ → ǅ, Ǉ ǈ ǉ → ǈ, Ǌ ǋ ǌ → ǋ, Ǳ ǲ ǳ → ǲ
  if (cp >= 0x1c4 && cp <= 0x1cc) return String.fromCodePoint(0x1c5 + 3 * Math.floor((cp - 0x1c4) / 3));
  if (cp >= 0x1f1 && cp <= 0x1f3) return '\u01f2';
  // Georgian Mkhedruli is its own titlecase (its uppercase is Mtavruli).
  if ((cp >= 0x10d0 && cp <= 0x10fa) || (cp >= 0x10fd && cp <= 0x10ff)) return c;
  if (cp >= 0x1f80 && cp <= 0x1faf) return String.fromCodePoint(cp | 0x8);
  if (GREEK_TITLE[cp] !== undefined) return String.fromCodePoint(GREEK_TITLE[cp]);
  const upper = [...c.toUpperCase()];
  if (upper.length === 1) return upper[0]!;
  // A full uppercase of several letters (ß → SS, ﬁ → FI): titlecase keeps the first one upper...
  const title = upper[0]! + upper.slice(1).join('').toLowerCase();
  // ...except that a Greek iota subscript stays a subscript (ᾲ → Ὰͅ, not Ὰι).
  return cp >= 0x1f80 && cp <= 0x1fff && upper[upper.length - 1] === '\u0399' ? upper.slice(0, -1).join('') + '\u0345' : title;
}

/** Σ lowers to final ς after a cased letter and not before one (case-ignorable characters skipped), as Python does. */
function lowerSigma(chars: readonly string[], i: number): string {
  let j = i - 1;
  while (j >= 0 && CASE_IGNORABLE.test(chars[j]!)) j--;
  if (j < 0 || !CASED.test(chars[j]!)) return '\u03c3';
  let k = i + 1;
  while (k < chars.length && CASE_IGNORABLE.test(chars[k]!)) k++;
  return k < chars.length && CASED.test(chars[k]!) ? '\u03c3' : '\u03c2';
}

/**
 * `text.title()` in Python: every character that follows a cased one is
 * lowercased, every other one is titlecased, so each run of letters starts
 * upper case (`o'neil` → `O'Neil`, `v2x` → `V2X`, `HTTP` → `Http`).
 *
 * @example
 * pythonTitle('api versioning'); // 'Api Versioning'
 */
export function pythonTitle(text: string): string {
  const chars = [...text];
  let previousCased = false;
  let out = '';
  chars.forEach((c, i) => {
    if (!previousCased) out += titlecase(c);
    else out += c === CAPITAL_SIGMA ? lowerSigma(chars, i) : c.toLowerCase();
    previousCased = CASED.test(c);
  });
  return out;
}
