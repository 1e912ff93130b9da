/**
 * Text handling of the reason generator: tokens, sentences, the words that state facts, and the
 * way generated tokens become a plain-text sentence.
 */

/** Special tokens of the generator's vocabulary. `<aspect>` is a slot filled from the evidence. */
export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';
export const UNK = '<unk>';
export const ASPECT = '<aspect>';
export const SPECIALS = [PAD, BOS, EOS, UNK, ASPECT] as const;

/** Longest reason, in tokens (the end token not counted). */
export const MAX_REASON_TOKENS = 20;

/**
 * English function words (articles, pronouns, prepositions, conjunctions, auxiliaries): words that
 * state no fact about a product, even where a brand or a category name holds them ("The Hillman
 * Group", "Nuts and Bolts").
 */
export const FUNCTION_WORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below between both but by
can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further had hadn't has hasn't have
haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's
its itself let's me more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't
she she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves then there there's these they
they'd they'll they're they've this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what
what's when when's where where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're you've your
yours yourself yourselves im ive dont didnt doesnt cant wont isnt thats its`.split(/\s+/),
);

/**
 * Function words and the review vocabulary of opinion and use (adjectives, verbs, adverbs): words
 * that never name an aspect of a product.
 */
export const STOPWORDS = new Set([
  ...FUNCTION_WORDS,
  ...`just really well also even still much many lot lots bit
get got getting gets go goes going went gone make makes made making use used uses using work works worked working buy bought
purchase purchased need needed needs want wanted like liked likes love loved loves recommend recommended highly great good nice
better best excellent perfect fine awesome amazing happy pleased definitely pretty quite little big small large long short easy hard
bad cheap one two three four five first second new old right left way thing things something anything everything nothing time times
say said think thought know knew see seen look looks looked looking sure since though although however yet already ever never always
every another back around enough far fit fits fitted put set take took give gave come came keep kept find found try tried feel felt
seems seem seemed will may might must shall now day days year years ago able done doing went getting star stars review reviews item
product products
play playing played plays without last different high job end tune solid worth less hold light problem easily probably heavy
built clean comes expensive simple actually sturdy top almost several change extra home place people perfectly couple ones either especially
side difference away others overall wrong longer bright easier full real exactly fact anyone kind durable turn holds buying least
bottom maybe inexpensive point super fast etc cool prefer sounding level add issue comfortable expect part accurate break instead close
run plus tell quickly clear decent simply trying decided replace note feels gives next reason hear single expected strong tight
stay order slightly help wish nicely piece soft quick smaller compared higher issues pay rather takes sometimes adjust open cheaper
favorite lower smooth cut leave along fairly spend thick thin let usually half yes often true flat guess together started
believe designed similar wear move sounded anyway unless useful arrived start amount extremely classic glad included original plenty recently idea
course says matter means spot surprised fun someone check impressed received care installed mind absolutely save fantastic handy finally past
basic heard noticed wide disappointed larger supposed due whole except stays stick touch replaced warm stock owned ordered mine else
amazon problems deal read standard practice kind type style run live beat loud help open free experience position hours minutes
weeks months update name version choice opinion wall lot tool start order works love`.split(/\s+/),
]);

/** Word and punctuation tokens, lower-cased (apostrophes kept inside words). */
export function tokenizeText(text: string): string[] {
  return (text.toLowerCase().replace(/[’‘]/g, "'").match(/[a-z0-9]+(?:'[a-z]+)?|[.,!?;:]/g) ?? []) as string[];
}

/** Word tokens only (what the text metrics compare). */
export function wordTokens(text: string): string[] {
  return tokenizeText(text).filter((t) => /^[a-z0-9]/.test(t));
}

/** Sentences of a review ("...it.Bottom line" counts as a break too). */
export function sentences(text: string): string[] {
  return text
    .replace(/([.!?])(?=[A-Z])/g, '$1 ')
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A word that could name an aspect: letters only, 3+ characters, not a stopword. */
export function isContentWord(token: string): boolean {
  return /^[a-z]{3,}$/.test(token) && !STOPWORDS.has(token);
}

/** Generated tokens → one plain-text sentence ("great strings for the price."). */
export function detokenize(tokens: readonly string[]): string {
  let out = '';
  for (const token of tokens) {
    if (/^[.,!?;:]$/.test(token)) out += token;
    else out += (out ? ' ' : '') + (token === 'i' ? 'I' : token.startsWith("i'") ? `I${token.slice(1)}` : token);
  }
  out = out.trim();
  if (!out) return out;
  if (!/[.!?]$/.test(out)) out = out.replace(/[,;:]$/, '') + '.';
  return out[0]!.toUpperCase() + out.slice(1);
}
