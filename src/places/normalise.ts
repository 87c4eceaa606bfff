// How a place name is compared: the same name spelled by different sources, transliteration
// schemes and people must give the same key. Pure: no I/O.
//
// Hand-written on purpose. The generic parts use the platform (String.normalize for accents,
// Unicode property escapes for scripts); no npm package does what remains: Arabic-to-Latin
// romanisers produce one scheme's spelling, not the folding of many schemes into one key, and the
// rules that matter here (articles with assimilated consonants, ou/u, ei/ay, a final h for ة,
// doubled consonants) are specific to romanised Arabic place names.
//
// A name yields four things:
// - `key`: the exact form. Latin: lower case, no accents or apostrophes (ʿayn and hamza are
//   written ', ʿ, ʾ or not at all), articles dropped, doubled letters single, common variants
//   folded (ou/oo/o → u, ee/e → i, ei/ey/ai/ay → ay before a consonant, aw/au/ow → u before a
//   consonant, q → k, kh → h, gh → g, dh → d, th → t, ch → sh, dj → j, a final h or e of ة),
//   words joined. Arabic: no vowel marks or tatweel, alef/ya/ta marbuta/hamza forms unified,
//   ال dropped, words joined. Latin and Arabic keys never meet (different letters).
// - `suffixes`: the key from each word on (for "starts with" on any word: "zor" finds Deir ez-Zor).
// - `pattern`: the key with each vowel run as one placeholder (Deraa ~ Dar'a, Sweida ~ Swayda).
// - `skeleton`: the consonants alone (a leading vowel kept as one mark): short vowels are often
//   left out (Zabadani ~ Zabdani); used only when it has four consonants or more.
// - `script`: the consonants in Latin letters whatever the script, without y, w and the letters
//   Latin spellings drop (ا و ي ع ء, a final ه): what Arabic writing and a romanisation share
//   (داريا ~ Daraya, دير الزور ~ Deir ez-Zor). The loosest tier: it only ranks candidates.

export interface NameKey {
  key: string;
  suffixes: string[];
  pattern: string;
  skeleton: string;
  script: string;
  /** Written in Arabic letters. */
  arabic: boolean;
}

const ARABIC = /\p{Script=Arabic}/u;
/** Articles, with the assimilated forms (ad-Dana, as-Safira, ez-Zor): dropped when a word follows. */
const ARTICLES = new Set(['al', 'el', 'il', 'ul', 'l', 'ad', 'adh', 'ar', 'as', 'ash', 'at', 'ath', 'az', 'an', 'ed', 'edh', 'er', 'es', 'esh', 'et', 'eth', 'ez', 'en']);
/** Letters that NFD does not split into a base letter and a mark. */
const LATIN_EXTRA: Record<string, string> = { ı: 'i', ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ß: 'ss', æ: 'ae', œ: 'oe' };

const VOWEL = 'aeiou';

function latinWord(w: string): string {
  let s = w.replace(/(.)\1+/g, '$1');
  s = s
    .replace(/ch/g, 'sh')
    .replace(/dj/g, 'j')
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/kh/g, 'h')
    .replace(/gh/g, 'g')
    .replace(/dh/g, 'd')
    .replace(/th/g, 't')
    .replace(/q/g, 'k')
    .replace(/oo|ou/g, 'u')
    .replace(/ee/g, 'i');
  // ة at the end: -ah, -eh, -a, -e are one ending (Hasakah, Hasakeh, Hasaka)
  if (s.length > 2) s = s.replace(/([aeiu])h$/, '$1').replace(/e$/, 'a');
  s = s
    .replace(/(?:ei|ey|ai|ay)(?![aeiouy])/g, 'ay') // Deir, Dayr, Dair
    .replace(/(?:aw|au|ow)(?![aeiouw])/g, 'u') // Zawr, Zour, Zor
    .replace(/o/g, 'u')
    .replace(/e/g, 'i')
    .replace(/iy(?=[aiu])/g, 'i'); // -iyya, -iyeh, -ia
  return s.replace(/(.)\1+/g, '$1');
}

function arabicWord(w: string): string {
  let s = w
    .replace(/[\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g, '') // vowel marks, Quranic marks, tatweel
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/[ىی]/g, 'ي')
    .replace(/ة/g, 'ه')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي')
    .replace(/ک/g, 'ك')
    .replace(/ء/g, '');
  if (s.startsWith('ال') && s.length > 3) s = s.slice(2);
  return s.replace(/(.)\1+/gu, '$1');
}

/** The words of a name, each folded; articles dropped while another word follows. */
function words(name: string): string[] {
  let s = name.normalize('NFKD').toLowerCase().replace(/\p{M}/gu, '');
  s = s.replace(/[ıłøđħßæœ]/g, (c) => LATIN_EXTRA[c]);
  // apostrophes (ʿayn, hamza) join; every other non-letter separates
  s = s.replace(/['’‘`´ʿʾʻʼ]/g, '');
  const raw = s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const out: string[] = [];
  raw.forEach((w, i) => {
    if (i < raw.length - 1 && (ARTICLES.has(w) || w === 'ال')) return;
    const f = ARABIC.test(w) ? arabicWord(w) : latinWord(w);
    if (f) out.push(f);
  });
  return out;
}

/** Arabic letters as the Latin consonants a folded romanisation keeps; '' for what it drops. */
const ARABIC_CONSONANTS: Record<string, string> = {
  ب: 'b', ت: 't', ث: 't', ج: 'j', ح: 'h', خ: 'h', د: 'd', ذ: 'd', ر: 'r', ز: 'z', س: 's', ش: 'sh', ص: 's', ض: 'd', ط: 't', ظ: 'z',
  غ: 'g', ف: 'f', ق: 'k', ك: 'k', ل: 'l', م: 'm', ن: 'n', ه: 'h', ا: '', و: '', ي: '', ع: '',
};

function scriptWord(w: string): string {
  if (!ARABIC.test(w)) return w.replace(/[aeiouyw]/g, '');
  const s = w.replace(/ه$/, ''); // ة (folded to ه), written -a or -ah and then dropped
  return [...s].map((c) => ARABIC_CONSONANTS[c] ?? (/[\p{L}\p{N}]/u.test(c) && !ARABIC.test(c) ? c : '')).join('');
}

export function nameKey(name: string): NameKey {
  const ws = words(name);
  const key = ws.join('');
  const suffixes = ws.map((_, i) => ws.slice(i).join(''));
  const pattern = key.replace(/[aeiou]+/g, '*');
  const skeleton = key.replace(/^[aeiou]+/, '*').replace(/[aeiou]+/g, '');
  const script = ws.map(scriptWord).join('').replace(/(.)\1+/g, '$1');
  return { key, suffixes, pattern, skeleton, script, arabic: ARABIC.test(key) };
}

/** How a name matches a query, best first. */
export type MatchTier = 'exact' | 'variant' | 'prefix' | 'script';
export const TIERS: readonly MatchTier[] = ['exact', 'variant', 'prefix', 'script'];

/** The smallest skeleton compared: shorter ones (Hm, Dm) say too little. */
export const MIN_SKELETON = 4;

/** The smallest cross-script key compared. */
export const MIN_SCRIPT = 2;

/**
 * How a query matches a name, or null. Arabic keys have no vowels to fold: within Arabic a name
 * matches exactly or by prefix; across scripts only on `script`.
 */
export function match(query: NameKey, name: NameKey): MatchTier | null {
  return matcher(query)(name);
}

/** match() with the query's part worked out once, for scanning many names. */
export function matcher(query: NameKey): (name: NameKey) => MatchTier | null {
  const { key, pattern, skeleton, script, arabic } = query;
  const longSkeleton = skeleton.replace('*', '').length >= MIN_SKELETON;
  const scriptOk = script.length >= MIN_SCRIPT;
  return (name) => {
    if (!key || !name.key) return null;
    if (key === name.key) return 'exact';
    if (arabic === name.arabic) {
      if (!arabic && (pattern === name.pattern || (longSkeleton && skeleton === name.skeleton))) return 'variant';
      for (const s of name.suffixes) if (s.startsWith(key)) return 'prefix';
      return null;
    }
    return scriptOk && script === name.script ? 'script' : null;
  };
}

/** Convenience for tests and callers: do two names match at all, and how. */
export const compareNames = (a: string, b: string): MatchTier | null => {
  const t = match(nameKey(a), nameKey(b));
  return t === 'prefix' ? null : t;
};

/** Arabic "centre of" (markaz), which OCHA puts before the names of district and sub-district seats. */
export function withoutMarkaz(name: string): string | null {
  const m = /^(?:markaz|مركز)[\s-]+(.+)$/iu.exec(name.trim());
  return m ? m[1] : null;
}
