import { describe, expect, it } from 'vitest';
import { pythonTitle } from '../../src/core/python-title.js';
import { inferredPatternName } from '../../src/core/recommendations.js';

// Expected values are what CPython 3.11 prints for `s.title()` (and for the
// pattern names, `s.replace("_", " ").title()`).
describe("Python's str.title()", () => {
  it.each([
    ['api versioning', 'Api Versioning'],
    ["o'neil", "O'Neil"],
    ['HTTP cache', 'Http Cache'],
    ['v2x', 'V2X'],
    ['2fa-login', '2Fa-Login'],
    ['storage-engine', 'Storage-Engine'],
    ['  double  space ', '  Double  Space '],
    ['ALL CAPS', 'All Caps'],
    ['mIxEd', 'Mixed'],
    ['', ''],
    ['___', '___'],
    ['straße', 'Straße'],
    ['ßtraße', 'Sstraße'],
    ['ﬁle', 'File'],
    ['ǆungla ǉ', 'ǅungla ǈ'],
    ['ŉ', 'ʼN'],
    ['ᾳ ᾲ', 'ᾼ Ὰ\u0345'],
    ['ΟΔΟΣ', 'Οδος'],
    ['ΑΣ\u0301 ΣΑ', 'Ας\u0301 Σα'],
    ['ΑΣΑ', 'Ασα'],
    ['ɐ日本語x', 'Ɐ日本語X'],
    ['ǅx', 'ǅx'],
    ['😀emoji', '😀Emoji'],
    ['İstanbul İİ', 'İstanbul İi̇'],
  ])('%j → %j', (input, expected) => {
    expect(pythonTitle(input)).toBe(expected);
  });
});

describe('the pattern name inferred from a decision point', () => {
  it.each([
    ['api_versioning', 'Api Versioning'],
    ['api_v2_versioning', 'Api V2 Versioning'],
    ['HTTP_cache', 'Http Cache'],
    ['retry-policy', 'Retry-Policy'],
    ['__private__', '  Private  '],
    ['o_neil', 'O Neil'],
  ])('%j → %j', (point, expected) => {
    expect(inferredPatternName(point)).toBe(expected);
  });
});
