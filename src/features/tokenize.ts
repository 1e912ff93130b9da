/** Words too common in product text to tell items apart. */
const STOPWORDS = new Set(
  'a an and are as at be by for from in into is it of on or the to with without your you our this that these those per pcs pack set new'.split(' '),
);

/** Lower-cased word tokens (letters/digits), without stopwords and one-letter words. */
export function tokenize(text: string, maxTokens = 200): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const token = match[0];
    if (token.length < 2 || STOPWORDS.has(token)) continue;
    tokens.push(token);
    if (tokens.length >= maxTokens) break;
  }
  return tokens;
}
