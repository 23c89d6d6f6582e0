import type { JsonValue } from './json.js';

/**
 * TF-IDF cosine similarity between a query and a set of documents. IDF is
 * computed over the documents being ranked, smoothed so that a term found in
 * every document still counts.
 */
const STOP_WORDS = new Set(
  ('a an and are as at be by for from has have in into is it its of on or that the their this to was were ' +
    'will with we our use used using which when where while can should would not no')
    .split(' '),
);

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const token = stem(match[0]);
    if (token.length > 1 && !STOP_WORDS.has(token)) tokens.push(token);
  }
  return tokens;
}

/** A light plural stemmer: "repositories" and "repository" meet, "patterns" and "pattern" too. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** Every string (and object key) inside a JSON value, as one text. */
export function jsonText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return '';
  if (Array.isArray(value)) return value.map(jsonText).join(' ');
  return Object.entries(value)
    .map(([key, item]) => `${key} ${jsonText(item)}`)
    .join(' ');
}

export type TermCounts = Map<string, number>;

/** How often each term occurs in a text. */
export function countTerms(text: string): TermCounts {
  return termCounts(tokenize(text));
}

function termCounts(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/** Scores every document against the query; returns one score in [0, 1] per document, in order. */
export function tfidfCosine(query: string, documents: readonly string[]): number[] {
  return tfidfCosineCounts(countTerms(query), documents.map(countTerms));
}

/** The same, on term counts already made (callers may keep them for documents that do not change). */
export function tfidfCosineCounts(queryCounts: TermCounts, docCounts: readonly TermCounts[]): number[] {
  if (queryCounts.size === 0) return docCounts.map(() => 0);
  const documentFrequency = new Map<string, number>();
  for (const counts of docCounts) {
    for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const n = docCounts.length;
  const idf = (term: string) => Math.log((1 + n) / (1 + (documentFrequency.get(term) ?? 0))) + 1;
  const weigh = (counts: Map<string, number>) => {
    const weights = new Map<string, number>();
    let norm = 0;
    for (const [term, count] of counts) {
      const weight = (1 + Math.log(count)) * idf(term);
      weights.set(term, weight);
      norm += weight * weight;
    }
    return { weights, norm: Math.sqrt(norm) };
  };
  const q = weigh(queryCounts);
  return docCounts.map((counts) => {
    if (counts.size === 0) return 0;
    const d = weigh(counts);
    let dot = 0;
    for (const [term, weight] of q.weights) {
      const other = d.weights.get(term);
      if (other !== undefined) dot += weight * other;
    }
    const score = dot / (q.norm * d.norm);
    return Math.min(1, Math.max(0, score));
  });
}
