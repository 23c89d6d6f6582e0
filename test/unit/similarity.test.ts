import { describe, expect, it } from 'vitest';
import { jsonText, tfidfCosine, tokenize } from '../../src/core/similarity.js';

describe('TF-IDF cosine similarity', () => {
  it('tokenizes words in any script, drops stop words and folds plurals', () => {
    expect(tokenize('The Repositories of Données: 2 patterns!')).toEqual(['repository', 'donnée', 'pattern']);
  });

  it('scores identical text 1, unrelated text 0, and shared rare terms above shared common ones', () => {
    const docs = ['event sourcing stores events', 'cache aside pattern', 'event driven queue pattern'];
    const [same, unrelated] = tfidfCosine('event sourcing stores events', docs);
    expect(same).toBeCloseTo(1, 10);
    expect(tfidfCosine('kubernetes', docs)).toEqual([0, 0, 0]);
    expect(unrelated).toBe(0);
    const [, cache, queue] = tfidfCosine('pattern queue', docs);
    expect(queue!).toBeGreaterThan(cache!);
  });

  it('gives no document a score when the query has no terms', () => {
    expect(tfidfCosine('the of and', ['anything at all'])).toEqual([0]);
  });

  it('reads the text out of JSON definitions', () => {
    expect(jsonText({ intent: 'decouple', steps: ['one', { two: 'three' }], n: 3 })).toBe('intent decouple steps one two three n ');
  });
});
