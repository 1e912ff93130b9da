import { ASPECT, BOS, EOS, MAX_REASON_TOKENS, PAD, SPECIALS, tokenizeText, UNK } from './text';

/**
 * A target sentence with its facts taken out: every aspect term becomes the `<aspect>` slot
 * (a run of them, one slot), numbers become `<unk>`. What is left is the generator's own
 * vocabulary, which therefore never names an aspect: aspects only enter through slots filled
 * from the evidence.
 */
export function delexicalize(sentence: string, isAspect: (word: string) => boolean): string[] {
  const out: string[] = [];
  for (const token of tokenizeText(sentence)) {
    const mapped = isAspect(token) ? ASPECT : /[0-9]/.test(token) ? UNK : token;
    if (mapped === ASPECT && out.at(-1) === ASPECT) continue;
    out.push(mapped);
    if (out.length >= MAX_REASON_TOKENS) break;
  }
  return out;
}

export class Vocabulary {
  readonly index: Map<string, number>;
  constructor(readonly tokens: readonly string[]) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /** The specials, then the `size` most frequent tokens of the delexicalised targets. */
  static build(targets: readonly string[][], size: number): Vocabulary {
    const counts = new Map<string, number>();
    for (const target of targets) for (const t of target) if (!(SPECIALS as readonly string[]).includes(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const words = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, size - SPECIALS.length).map(([w]) => w);
    return new Vocabulary([...SPECIALS, ...words]);
  }

  id(token: string): number {
    return this.index.get(token) ?? this.index.get(UNK)!;
  }

  /** Decoder input (BOS + target) and output (target + EOS), padded to MAX_REASON_TOKENS + 1. */
  encode(target: readonly string[]): { input: Int32Array; output: Int32Array; mask: Float32Array } {
    const T = MAX_REASON_TOKENS + 1;
    const ids = target.slice(0, MAX_REASON_TOKENS).map((t) => this.id(t));
    const input = new Int32Array(T).fill(this.id(PAD));
    const output = new Int32Array(T).fill(this.id(PAD));
    const mask = new Float32Array(T);
    input[0] = this.id(BOS);
    ids.forEach((id, i) => {
      input[i + 1] = id;
      output[i] = id;
      mask[i] = 1;
    });
    output[ids.length] = this.id(EOS);
    mask[ids.length] = 1;
    return { input, output, mask };
  }
}
