/*
 * kiji-search.js: the browser half of kiji's Japanese full-text search.
 *
 * Part 1 mirrors _ext/kiji/textsplit.py function by function (same names in camelCase, same
 * character ranges, same order of terms): the query must be split exactly as the index was, or a
 * word copied from a post would not find it. tests/browser/test_search.py compares the two.
 *
 * Part 2 runs a query on the index alone, never fetching a page: it loads the manifest, the term
 * shards of the query's terms, intersects their posting lists (every term must occur), ranks by
 * where the terms occur (exact taxonomy name, title, tags/categories/authors, body) and recency,
 * and confirms each segment the postings cannot decide (compounds, words next to kana) with the
 * terms' offsets (p/ shards): the segment occurs where every term sits at its own offset from one
 * start. The count is therefore exact. Titles and excerpts of the results shown come from the
 * document chunks, with the matches <mark>ed.
 * Part 3 is search.html (20 results at a time, 「さらに表示」, facets in the URL); part 4 the instant
 * list under every search field (the theme's Ctrl+K dialog); part 5 the Read the Docs guard.
 * The DOM is built with createElement/textContent only.
 */
"use strict";

const KijiSearch = (() => {
  // ---------------------------------------------------------------------------------------------
  // Part 1: textsplit (see textsplit.py for the reasons behind each rule)
  // ---------------------------------------------------------------------------------------------
  const MAX_TERM = 64;
  const MAX_PARTS = 8;
  const JOIN = "|";

  const KANJI = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}";
  const KANA =
    "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff" +
    "\u1100-\u11ff\u3131-\u318e\uac00-\ud7a3";
  const CJK = KANJI + KANA;
  // Python's [^\W_<CJK>] is "a letter or digit that is not CJK": categories L* and N*.
  const W = `[[\\p{L}\\p{N}]--[${CJK}]]`;
  const TOKEN = new RegExp(`(?<w>${W}+(?:[._\\-]${W}+)*(?:\\+\\+|#)?)|(?<c>[${CJK}]+)`, "gv");
  const KANJI_RE = new RegExp(`[${KANJI}]`, "gv");
  const KANJI_ONE = new RegExp(`^[${KANJI}]$`, "v");
  const WORD_CHAR = new RegExp(`^${W}$`, "v");
  const PART_SPLIT = /([._\-])/;
  // The exact set of Python's str.isspace() plus U+FEFF (JavaScript's \s differs from Python's).
  const SPACE =
    /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/u;

  const normalize = (text) => text.normalize("NFKC").toLowerCase();

  // Code point aware helpers: Python indexes strings by code point, JavaScript by UTF-16 unit.
  const codePoints = (s) => Array.from(s);
  const cpLength = (s) => {
    let n = 0;
    for (const _ of s) n += 1;
    return n;
  };
  const cpSlice = (s, start, end) => codePoints(s).slice(start, end).join("");

  function* tokens(norm) {
    for (const m of norm.matchAll(TOKEN)) {
      const kind = m.groups.w !== undefined ? "w" : "c";
      yield [kind, m[0], m.index, m.index + m[0].length];
    }
  }
  const firstCp = (s) => String.fromCodePoint(s.codePointAt(0));
  const lastCp = (s) => {
    const cps = codePoints(s);
    return cps[cps.length - 1];
  };

  const splitWord = (word) => {
    let suffix = "";
    if (word.endsWith("++")) {
      word = word.slice(0, -2);
      suffix = "++";
    } else if (word.endsWith("#")) {
      word = word.slice(0, -1);
      suffix = "#";
    }
    return [word.split(PART_SPLIT), suffix];
  };

  const wordIndexTerms = (word, out) => {
    const [pieces, suffix] = splitWord(word);
    const n = (pieces.length + 1) >> 1;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < Math.min(n, i + MAX_PARTS); j++) {
        const term = pieces.slice(2 * i, 2 * j + 1).join("");
        out.add(cpSlice(term, 0, MAX_TERM));
        if (suffix && j === n - 1) out.add(cpSlice(term + suffix, 0, MAX_TERM));
      }
    }
  };

  const wordQueryTerms = (word) => {
    const [pieces, suffix] = splitWord(word);
    const n = (pieces.length + 1) >> 1;
    if (n <= MAX_PARTS) return [cpSlice(word, 0, MAX_TERM)];
    const terms = [];
    for (let i = 0; i < n - MAX_PARTS + 1; i++) {
      terms.push(cpSlice(pieces.slice(2 * i, 2 * (i + MAX_PARTS) - 1).join(""), 0, MAX_TERM));
    }
    if (suffix) {
      terms[terms.length - 1] = cpSlice(
        pieces.slice(2 * (n - MAX_PARTS)).join("") + suffix,
        0,
        MAX_TERM,
      );
    }
    return terms;
  };

  const wordTails = (word) => {
    const [pieces, suffix] = splitWord(word);
    const n = (pieces.length + 1) >> 1;
    const tails = [];
    for (let i = Math.max(0, n - MAX_PARTS); i < n; i++) {
      tails.push(cpSlice(pieces.slice(2 * i).join("") + suffix, 0, MAX_TERM));
    }
    return tails;
  };

  const wordHeads = (word) => {
    const [pieces, suffix] = splitWord(word);
    const n = (pieces.length + 1) >> 1;
    const heads = [];
    for (let j = 0; j < Math.min(n, MAX_PARTS); j++) {
      heads.push(cpSlice(pieces.slice(0, 2 * j + 1).join(""), 0, MAX_TERM));
    }
    if (suffix && n <= MAX_PARTS) heads.push(cpSlice(word, 0, MAX_TERM));
    return heads;
  };

  const bigrams = (run) => {
    const cps = codePoints(run);
    const out = [];
    for (let i = 0; i < cps.length - 1; i++) out.push(cps[i] + cps[i + 1]);
    return out;
  };

  const indexTerms = (text) => {
    const out = new Set();
    let [prevKind, prevTok, prevEnd] = ["", "", -1];
    for (const [kind, tok, start, end] of tokens(normalize(text))) {
      if (kind === "w") wordIndexTerms(tok, out);
      else {
        for (const b of bigrams(tok)) out.add(b);
        for (const k of tok.match(KANJI_RE) || []) out.add(k);
      }
      if (start === prevEnd && kind !== prevKind) {
        if (prevKind === "w") for (const w of wordTails(prevTok)) out.add(`${w}${JOIN}${firstCp(tok)}`);
        else for (const w of wordHeads(tok)) out.add(`${lastCp(prevTok)}${JOIN}${w}`);
      }
      [prevKind, prevTok, prevEnd] = [kind, tok, end];
    }
    return out;
  };

  const queryTerms = (query) => {
    const seen = new Set();
    let [prevKind, prevTok, prevEnd] = ["", "", -1];
    for (const [kind, tok, start, end] of tokens(normalize(query))) {
      if (start === prevEnd && kind !== prevKind) {
        if (prevKind === "w") seen.add(`${wordQueryTerms(prevTok).at(-1)}${JOIN}${firstCp(tok)}`);
        else seen.add(`${lastCp(prevTok)}${JOIN}${wordQueryTerms(tok)[0]}`);
      }
      [prevKind, prevTok, prevEnd] = [kind, tok, end];
      if (kind === "w") {
        for (const term of wordQueryTerms(tok)) seen.add(term);
      } else if (cpLength(tok) === 1) {
        if (KANJI_ONE.test(tok)) seen.add(tok);
        // A lone kana is not a term: it would match nearly every page.
      } else {
        for (const b of bigrams(tok)) seen.add(b);
      }
    }
    return Array.from(seen);
  };

  const querySegments = (query) => normalize(query).split(SPACE).filter((s) => s);

  const isExact = (segment) => {
    const terms = queryTerms(segment);
    return terms.length === 1 && terms[0] === segment && cpLength(segment) < MAX_TERM;
  };

  const isWordChar = (ch) => ch !== undefined && ch !== "" && WORD_CHAR.test(ch);
  // The code point that ends just before UTF-16 index i, and the one that starts at i.
  const cpBefore = (s, i) => {
    if (i <= 0) return undefined;
    const low = s.charCodeAt(i - 1);
    if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
      const high = s.charCodeAt(i - 2);
      if (high >= 0xd800 && high <= 0xdbff) return s.slice(i - 2, i);
    }
    return s[i - 1];
  };
  const cpAt = (s, i) => {
    if (i >= s.length) return undefined;
    return String.fromCodePoint(s.codePointAt(i));
  };

  // Where normalized segment occurs in normalized text as a search means it (see contains() in
  // textsplit.py): from UTF-16 index `from`, -1 when it does not.
  const findMatch = (text, segment, from = 0) => {
    if (!segment) return -1;
    const checkStart = isWordChar(cpAt(segment, 0));
    const checkEnd = isWordChar(cpBefore(segment, segment.length));
    let start = text.indexOf(segment, from);
    while (start >= 0) {
      const end = start + segment.length;
      if (
        (!checkStart || !isWordChar(cpBefore(text, start))) &&
        (!checkEnd || !isWordChar(cpAt(text, end)))
      ) {
        return start;
      }
      start = text.indexOf(segment, start + 1);
    }
    return -1;
  };
  const contains = (text, segment) => !segment || findMatch(text, segment) >= 0;

  // CRC-32 (the zlib one) of the UTF-8 bytes, modulo the power-of-two shard count.
  const CRC_TABLE = (() => {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();
  const UTF8 = new TextEncoder();
  const crc32 = (text) => {
    let crc = 0xffffffff;
    for (const byte of UTF8.encode(text)) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  };
  const shardOf = (term, shards) => crc32(term) & (shards - 1);

  const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  // Digit value by character code (-1: not a digit). Postings of a common term are tens of
  // thousands of digits: a table and charCodeAt, not a Map and a string iterator.
  const DIGIT_VALUE = new Int8Array(128).fill(-1);
  for (let i = 0; i < DIGITS.length; i++) DIGIT_VALUE[DIGITS.charCodeAt(i)] = i;
  // Ids are gaps minus one from -1, each a number of decodeNumbers() (encode_ids() in textsplit.py).
  const decodeIds = (code) => {
    const ids = decodeNumbers(code);
    let prev = -1;
    for (let i = 0; i < ids.length; i++) {
      prev += ids[i] + 1;
      ids[i] = prev;
    }
    return ids;
  };
  const encodeIds = (ids) => {
    let out = "";
    let prev = -1;
    for (const id of ids) {
      let gap = id - prev - 1;
      prev = id;
      while (gap >= 32) {
        out += DIGITS[32 + (gap % 32)];
        gap = Math.floor(gap / 32);
      }
      out += DIGITS[gap];
    }
    return out;
  };


  // Offsets of a code point string's UTF-16 indices: Python counts code points.
  const cpIndex = (s) => {
    const map = new Map();
    let cp = 0;
    let i = 0;
    for (const ch of s) {
      map.set(i, cp);
      i += ch.length;
      cp += 1;
    }
    map.set(i, cp);
    return map;
  };
  const partStarts = (pieces, start) => {
    const starts = [];
    let at = start;
    pieces.forEach((piece, k) => {
      if (k % 2 === 0) starts.push(at);
      at += cpLength(piece);
    });
    return starts;
  };

  // [term, offset] of the terms of one normalized segment that have positions (see
  // query_offsets() in textsplit.py), offsets in code points from the segment's start.
  const queryOffsets = (segment) => {
    const out = new Map(); // "term@offset" -> [term, offset]
    const add = (term, at) => out.set(`${term}@${at}`, [term, at]);
    const cp = cpIndex(segment);
    let [prevKind, prevTok, prevStart, prevEnd] = ["", "", -1, -1];
    for (const [kind, tok, start16, end16] of tokens(segment)) {
      const [start, end] = [cp.get(start16), cp.get(end16)];
      if (start === prevEnd && kind !== prevKind) {
        if (prevKind === "w") {
          const last = wordQueryTerms(prevTok).at(-1);
          const [pieces] = splitWord(prevTok);
          const n = (pieces.length + 1) >> 1;
          const at = partStarts(pieces, prevStart)[Math.max(0, n - MAX_PARTS)];
          add(`${last}${JOIN}${firstCp(tok)}`, at);
        } else {
          add(`${lastCp(prevTok)}${JOIN}${wordQueryTerms(tok)[0]}`, start - 1);
        }
      }
      if (kind === "w") {
        const [pieces] = splitWord(tok);
        const starts = partStarts(pieces, start);
        wordQueryTerms(tok).forEach((term, i) => add(term, starts[i]));
      } else if (cpLength(tok) > 1) {
        bigrams(tok).forEach((term, i) => add(term, start + i));
      }
      [prevKind, prevTok, prevStart, prevEnd] = [kind, tok, start, end];
    }
    return Array.from(out.values());
  };

  // Base-32 digits, least significant first; digits 32-63 say "more follow" (textsplit.py).
  const decodeNumbers = (code) => {
    const numbers = [];
    if (!code) return numbers;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < code.length; i++) {
      const c = code.charCodeAt(i);
      const digit = c < 128 ? DIGIT_VALUE[c] : -1;
      if (digit < 0) throw new Error("corrupt search index");
      if (digit >= 32) {
        value += (digit - 32) * scale;
        scale *= 32;
      } else {
        numbers.push(value + digit * scale);
        value = 0;
        scale = 1;
      }
    }
    return numbers;
  };
  // Map doc id -> sorted offsets (see encode_positions() in textsplit.py).
  const decodePositions = (code) => {
    const numbers = decodeNumbers(code);
    const out = new Map();
    let k = 0;
    let doc = -1;
    while (k < numbers.length) {
      doc += numbers[k] + 1;
      const count = numbers[k + 1] + 1;
      k += 2;
      const positions = new Array(count);
      let prev = -1;
      for (let j = 0; j < count; j++) {
        prev += numbers[k + j] + 1;
        positions[j] = prev;
      }
      k += count;
      out.set(doc, positions);
    }
    return out;
  };

  // ---------------------------------------------------------------------------------------------
  // Part 2: running a query on the index (no page is ever fetched)
  // ---------------------------------------------------------------------------------------------
  const PAGE_SIZE = 20; // results shown at once on search.html (then 「さらに表示」)
  const INSTANT_SIZE = 8; // results under the search field while typing
  const FACETS = [
    ["category", "カテゴリ"],
    ["tag", "タグ"],
    ["author", "著者"],
    ["year", "年"],
  ];
  const FACET_CHOICES = 12; // values shown per facet, most frequent first
  const WEIGHT = { title: 8, meta: 5, name: 1000 };
  const SNIPPET_BEFORE = 30;
  const SNIPPET_AFTER = 90;

  const fetchJSON = async (url, options) => {
    const response = await fetch(url, options);
    if (!response.ok) throw new Error(`${response.status} ${url}`);
    return response.json();
  };

  // Intersection of two sorted arrays of ids.
  const intersect = (a, b) => {
    const out = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) {
        out.push(a[i]);
        i += 1;
        j += 1;
      } else if (a[i] < b[j]) i += 1;
      else j += 1;
    }
    return out;
  };

  // Where `value` is in a sorted array (binary search), or -1.
  const placeIn = (list, value) => {
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] === value) return mid;
      if (list[mid] < value) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  const hasSorted = (list, value) => placeIn(list, value) >= 0;

  class Index {
    constructor(manifestUrl) {
      this.base = new URL(".", manifestUrl);
      this.manifestUrl = manifestUrl;
      this.files = new Map();
      this.positionCache = new Map();
    }

    async load() {
      // Revalidated every time: the version in it busts the cache of every other file.
      this.manifest = await fetchJSON(this.manifestUrl, { cache: "no-cache" });
      if (this.manifest.format !== 3) throw new Error("unknown index format");
      return this;
    }

    get(path) {
      if (!this.files.has(path)) {
        const url = new URL(`${path}?v=${encodeURIComponent(this.manifest.version)}`, this.base);
        this.files.set(path, fetchJSON(url));
      }
      return this.files.get(path);
    }

    async entry(term) {
      // A taxonomy name's entry ("=" + its segments) is in the shard of its first term.
      const first = term.startsWith("=") ? queryTerms(term.slice(1))[0] : undefined;
      const n = shardOf(first === undefined ? term : first, this.manifest.shards);
      const shard = await this.get(`t/${n.toString(16).padStart(this.manifest.shardWidth, "0")}.json`);
      return Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null;
    }

    // Map doc id -> offsets of a term in one block of ids (p/<block>/: BLOCK ids a block).
    async positions(term, block) {
      const key = `${block}\u0000${term}`;
      if (!this.positionCache.has(key)) {
        const count = this.manifest.pshards[block];
        const name = shardOf(term, count).toString(16).padStart((count - 1).toString(16).length, "0");
        const first = block * this.manifest.block;
        this.positionCache.set(
          key,
          this.get(`p/${block}/${name}.json`).then((shard) => {
            const rel = decodePositions(Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : "");
            return new Map([...rel].map(([id, at]) => [id + first, at]));
          }),
        );
      }
      return this.positionCache.get(key);
    }

    async doc(id) {
      const k = Math.floor(id / this.manifest.chunk);
      const [url, title, date, dateDisplay, kind, tags, categories, excerpt, authors] = (
        await this.get(`d/${k}.json`)
      )[id % this.manifest.chunk];
      return { id, url, title, date, dateDisplay, kind, tags, categories, excerpt, authors };
    }

    facets() {
      return this.get("facets.json");
    }
  }

  // Whether every term of a segment occurs at its offset from one common start in document id.
  const occurs = (lists, offsets) => {
    if (lists.some((list) => !list || !list.length)) return false;
    let anchor = 0;
    lists.forEach((list, k) => {
      if (list.length < lists[anchor].length) anchor = k;
    });
    for (const at of lists[anchor]) {
      const start = at - offsets[anchor];
      if (lists.every((list, k) => k === anchor || hasSorted(list, start + offsets[k]))) return true;
    }
    return false;
  };

  // A CJK bigram (no junction, no word): the only kind of term a cover may leave out.
  const CJK_PAIR = new RegExp(`^[${CJK}]{2}$`, "u");

  // The fewest-postings subset of a segment's [term, offset] pairs whose characters cover what
  // all of them cover: AB@0 and CD@2 place ABCD as surely as AB, BC and CD do, and a page is
  // then checked with the offsets of 2 terms instead of 3. Words and junctions always stay
  // (they also say where a word starts and ends); `weight(term)` is its number of pages.
  const cover = (offsets, weight) => {
    const span = ([term, at]) => [at, at + [...term.replace(JOIN, "")].length];
    const keep = offsets.filter(([term]) => !CJK_PAIR.test(term));
    const optional = offsets.filter(([term]) => CJK_PAIR.test(term));
    const end = Math.max(0, ...offsets.map((o) => span(o)[1]));
    const need = new Array(end).fill(false);
    for (const o of optional) for (let c = span(o)[0]; c < span(o)[1]; c++) need[c] = true;
    for (const o of keep) for (let c = span(o)[0]; c < span(o)[1]; c++) need[c] = false;
    // best[x]: least weight covering every needed character before x, and the pairs used.
    const best = new Array(end + 1).fill(null);
    best[0] = { cost: 0, used: [] };
    for (let x = 0; x < end; x++) {
      if (!best[x]) continue;
      const here = best[x];
      const reach = (y, cost, used) => {
        if (!best[y] || cost < best[y].cost) best[y] = { cost, used };
      };
      if (!need[x]) reach(x + 1, here.cost, here.used);
      for (const o of optional) {
        const [a, b] = span(o);
        if (a <= x && x < b) reach(b, here.cost + weight(o[0]) + 1, [...here.used, o]);
      }
    }
    const used = new Set(best[end].used);
    return offsets.filter((o) => !optional.includes(o) || used.has(o));
  };

  // A query's matches, confirmed in rank order and only as far as asked: `confirm(n)` gives the
  // first n (or all) matching ids. Candidates hold every term of the query (postings); a
  // compound segment must also sit where its terms' offsets say. A segment found in the title or
  // a tag is confirmed by the offsets held in the term's entry (small: titles are short); the
  // rest by the body offsets of the candidate's block of ids, loaded block by block, newest first.
  class Found {
    constructor(index, segments, ranked, checks) {
      this.index = index;
      this.segments = segments;
      this.tooShort = false;
      this.ranked = ranked; // [{id, open: [check index, ...]}], in rank order
      this.checks = checks; // [[term, offset], ...] per segment that needs its body offsets
      this.ids = [];
      this.next = 0;
      this.batch = 24;
    }

    get complete() {
      return this.next >= this.ranked.length;
    }

    // Until n are confirmed, in growing batches (a block or two first, then eight times as many
    // candidates each round); `going()` false stops between batches (a newer keystroke).
    async confirm(n = Infinity, going = () => true) {
      while (this.ids.length < n && !this.complete && going()) {
        // Confirmed already (the title or a tag holds every segment): nothing to load.
        while (!this.complete && this.ids.length < n && !this.ranked[this.next].open.length) {
          this.ids.push(this.ranked[this.next].id);
          this.next += 1;
        }
        if (this.ids.length >= n || this.complete) break;
        const slice = this.ranked.slice(this.next, this.next + this.batch);
        this.next += slice.length;
        this.batch *= 8;
        const blocks = [...new Set(slice.filter((c) => c.open.length).map((c) => Math.floor(c.id / this.index.manifest.block)))];
        const maps = new Map();
        await Promise.all(
          this.checks.flatMap((check, k) =>
            check.flatMap(([term]) =>
              blocks.map(async (b) => maps.set(`${k}\u0000${term}\u0000${b}`, await this.index.positions(term, b))),
            ),
          ),
        );
        for (const c of slice) {
          const b = Math.floor(c.id / this.index.manifest.block);
          const ok = c.open.every((k) =>
            occurs(
              this.checks[k].map(([term]) => maps.get(`${k}\u0000${term}\u0000${b}`).get(c.id)),
              this.checks[k].map(([, at]) => at),
            ),
          );
          if (ok) this.ids.push(c.id);
        }
      }
      return n === Infinity ? this.ids : this.ids.slice(0, n);
    }
  }

  // Candidates of a query in rank order, each with the segments its title and tags do not
  // already confirm. Rank: a taxonomy page named exactly as the query, then pages whose title
  // holds a segment, then whose tags do, then the newest first.
  const prepare = async (index, query) => {
    const segments = querySegments(query);
    const terms = queryTerms(query);
    if (!terms.length) return Object.assign(new Found(index, segments, [], []), { tooShort: true });
    const entries = new Map();
    // The taxonomy-name entry with the terms' (same shards, one round trip).
    const named = index.entry(`=${segments.join(" ")}`);
    await Promise.all(terms.map(async (t) => entries.set(t, await index.entry(t))));
    if ([...entries.values()].some((e) => e === null)) return new Found(index, segments, [], []);
    const ids = new Map([...entries].map(([t, e]) => [t, decodeIds(e[0])]));
    let candidates = null;
    for (const list of [...ids.values()].sort((a, b) => a.length - b.length)) {
      candidates = candidates === null ? list : intersect(candidates, list);
      if (!candidates.length) return new Found(index, segments, [], []);
    }
    // Per candidate (by its place in `candidates`, ascending ids): its score, and the checks its
    // title or tags already settle. Only the pages a title or tag holds are visited: a common
    // word has ten thousand candidates and a few hundred such pages.
    const score = new Int32Array(candidates.length);
    const settled = new Map(); // place -> Set of check numbers
    const placeOf = (id) => placeIn(candidates, id);
    const checks = [];
    const allOpen = []; // the checks of a candidate whose title and tags settle none
    // ids of the pages holding `segment` in the part of entry number `slot` (1 title, 2 tags).
    const within = (segment, offsets, slot) => {
      if (!offsets.length) {
        // One term, or terms without offsets: their postings decide.
        let out = null;
        for (const term of queryTerms(segment)) {
          const has = new Set(decodeIds((entries.get(term) || [])[slot] || ""));
          out = out === null ? has : new Set([...out].filter((id) => has.has(id)));
        }
        return out || new Set();
      }
      const maps = offsets.map(([term]) => decodePositions((entries.get(term) || [])[slot + 2] || ""));
      const at = offsets.map(([, a]) => a);
      const out = new Set();
      for (const id of maps[0].keys()) if (occurs(maps.map((m) => m.get(id)), at)) out.add(id);
      return out;
    };
    for (const segment of segments) {
      const exact = isExact(segment);
      const offsets = exact ? [] : queryOffsets(segment);
      if (!queryTerms(segment).length) continue;
      const inTitle = within(segment, offsets, 1);
      const inMeta = within(segment, offsets, 2);
      const k = checks.length;
      const checked = !exact && offsets.length > 0;
      if (checked) {
        checks.push(cover(offsets, (t) => (ids.get(t) || []).length));
        allOpen.push(k);
      }
      for (const [holders, weight] of [
        [inTitle, WEIGHT.title],
        [inMeta, WEIGHT.meta],
      ]) {
        for (const id of holders) {
          const at = placeOf(id);
          if (at < 0) continue;
          score[at] += weight;
          if (!checked) continue;
          if (!settled.has(at)) settled.set(at, new Set());
          settled.get(at).add(k);
        }
      }
    }
    const nameEntry = await named;
    if (nameEntry) {
      for (const id of decodeIds(nameEntry[0])) {
        const at = placeOf(id);
        if (at >= 0) score[at] += WEIGHT.name;
      }
    }
    // Highest score first, then the lowest id (the newest): the few scored pages are sorted,
    // the rest keep their order.
    const scored = [];
    const rest = [];
    for (let at = 0; at < candidates.length; at++) (score[at] > 0 ? scored : rest).push(at);
    scored.sort((a, b) => score[b] - score[a] || a - b);
    const ranked = [];
    for (const at of [scored, rest].flat()) {
      const done = settled.get(at);
      ranked.push({ id: candidates[at], open: done ? allOpen.filter((k) => !done.has(k)) : allOpen });
    }
    return new Found(index, segments, ranked, checks);
  };

  // Every match, in rank order (the search page: counts and facets need them all).
  const search = async (index, query) => {
    const found = await prepare(index, query);
    await found.confirm();
    return found;
  };

  // Normalize code point by code point, remembering where each normalized unit came from, so a
  // match found in normalized text can be marked in the original.
  const normalizeWithMap = (text) => {
    let norm = "";
    const map = []; // UTF-16 index in `norm` -> UTF-16 index in `text`
    let pos = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0);
      const stable =
        (cp >= 0x61 && cp <= 0x7a) ||
        (cp >= 0x30 && cp <= 0x39) ||
        (cp >= 0x3041 && cp <= 0x3096) ||
        (cp >= 0x30a1 && cp <= 0x30fa) ||
        cp === 0x30fc ||
        (cp >= 0x4e00 && cp <= 0x9fff);
      const n = stable ? ch : normalize(ch);
      for (let k = 0; k < n.length; k++) map.push(pos);
      norm += n;
      pos += ch.length;
    }
    map.push(pos);
    return [norm, map];
  };

  // [start, end) ranges of `text` (original) where a segment matches, sorted.
  const matchRanges = (text, segments) => {
    const [norm, map] = normalizeWithMap(text);
    const ranges = [];
    for (const seg of segments) {
      let at = findMatch(norm, seg);
      while (at >= 0) {
        ranges.push([map[at], map[at + seg.length]]);
        at = findMatch(norm, seg, at + Math.max(seg.length, 1));
      }
    }
    return ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  };

  // [{text, mark}] pieces of text[start, end) with the ranges marked.
  const piecesOf = (flat, ranges, start, end) => {
    const pieces = [];
    if (start > 0) pieces.push({ text: "…", mark: false });
    let at = start;
    for (const [a, b] of ranges) {
      if (b <= at || a >= end) continue;
      const from = Math.max(a, at);
      if (from > at) pieces.push({ text: flat.slice(at, from), mark: false });
      const to = Math.min(b, end);
      pieces.push({ text: flat.slice(from, to), mark: true });
      at = to;
    }
    if (at < end) pieces.push({ text: flat.slice(at, end), mark: false });
    if (end < flat.length) pieces.push({ text: "…", mark: false });
    return pieces;
  };

  // Pieces of a snippet around the first match of any segment; null when none matches.
  const snippetPieces = (text, segments) => {
    const flat = text.replace(/\s+/gu, " ").trim();
    const ranges = matchRanges(flat, segments);
    if (!ranges.length) return null;
    const first = ranges[0][0];
    let start = Math.max(0, first - SNIPPET_BEFORE);
    let end = Math.min(flat.length, first + SNIPPET_AFTER);
    // Do not cut a surrogate pair in half.
    if (start > 0 && /[\udc00-\udfff]/u.test(flat[start] || "")) start -= 1;
    if (end < flat.length && /[\udc00-\udfff]/u.test(flat[end] || "")) end += 1;
    return piecesOf(flat, ranges, start, end);
  };

  const markedPieces = (text, segments) =>
    piecesOf(text, matchRanges(text, segments), 0, text.length);

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };
  const appendPieces = (parent, pieces) => {
    for (const piece of pieces) {
      parent.appendChild(piece.mark ? el("mark", null, piece.text) : document.createTextNode(piece.text));
    }
    return parent;
  };

  const contentRoot = () =>
    new URL(document.documentElement.dataset.content_root || "./", window.location.href);

  let sharedIndex = null;
  const openIndex = (manifestUrl) => {
    if (!sharedIndex) {
      sharedIndex = new Index(manifestUrl).load().catch((err) => {
        sharedIndex = null;
        throw err;
      });
    }
    return sharedIndex;
  };
  const defaultManifest = () => new URL("_static/kiji-search/manifest.json", contentRoot());

  // The parts of one result: title (with marks), date, snippet (with marks) or excerpt.
  const fillResult = (container, doc, segments, linkClass, tagName) => {
    const link = container.appendChild(el(tagName || "a", linkClass));
    if (link.tagName === "A") link.href = new URL(doc.url, contentRoot()).href;
    appendPieces(link, markedPieces(doc.title || doc.url, segments));
    const meta = el("div", "kiji-result-meta");
    if (doc.dateDisplay || doc.date) {
      const time = meta.appendChild(el("time", "kiji-result-date", doc.dateDisplay || doc.date));
      if (doc.date) time.dateTime = doc.date;
    }
    return { link, meta };
  };
  const snippetNode = (doc, segments) => {
    const snippet = el("p", "kiji-result-snippet");
    const pieces = doc.excerpt ? snippetPieces(doc.excerpt, segments) : null;
    if (pieces) appendPieces(snippet, pieces);
    else if (doc.excerpt) snippet.textContent = doc.excerpt;
    else return null;
    return snippet;
  };

  // ---------------------------------------------------------------------------------------------
  // Part 3: search.html: the full list, facets in the URL, paging
  // ---------------------------------------------------------------------------------------------
  class SearchPage {
    constructor(root, params) {
      this.root = root;
      this.params = params;
      this.results = root.querySelector("#search-results");
      this.shown = 0;
    }

    async run(query) {
      this.started = performance.now();
      this.query = query;
      this.heading = this.results.appendChild(el("h2", "kiji-search-title", "検索結果"));
      this.summary = this.results.appendChild(el("p", "kiji-search-summary search-summary"));
      this.summary.setAttribute("role", "status");
      this.summary.dataset.state = "running";
      this.summary.textContent = `「${query}」を検索しています…`;
      this.facetBox = this.results.appendChild(el("div", "kiji-facets"));
      this.list = this.results.appendChild(el("ul", "search kiji-search-list"));
      this.list.setAttribute("role", "list");
      let found;
      try {
        this.index = await openIndex(new URL(this.root.dataset.index, window.location.href));
        found = await prepare(this.index, query);
        this.segments = found.segments;
        if (!found.tooShort) {
          // The first page as soon as its results are confirmed (the newest blocks of offsets),
          // then the exact count and the facets, which need every match.
          const keep = this.chosen(await this.index.facets());
          while (!found.complete && found.ids.filter(keep).length < PAGE_SIZE) {
            await found.confirm(found.ids.length + PAGE_SIZE);
          }
          if (!found.complete) {
            this.ids = found.ids.filter(keep);
            await this.showMore();
            this.summary.textContent = `「${query}」の検索結果: ${this.ids.length.toLocaleString("ja-JP")} 件以上（件数を数えています…）`;
          }
          await found.confirm();
        }
        this.ids = await this.narrow(found.ids);
      } catch (err) {
        console.error("[kiji-search]", err);
        this.ids = [];
        this.finish("検索インデックスを読み込めませんでした。");
        return;
      }
      if (found.tooShort) {
        this.finish("検索語が短すぎます。漢字・カタカナ・英数字を含む語で探してください。");
        return;
      }
      if (this.shown < PAGE_SIZE) await this.showMore();
      this.finish();
    }

    // Whether a page passes every facet chosen in the URL.
    chosen(facets) {
      const sets = [];
      for (const [name] of FACETS) {
        for (const value of this.params.getAll(name)) {
          sets.push(new Set(decodeIds((facets[name] || {})[value] || "")));
        }
      }
      return (id) => sets.every((set) => set.has(id));
    }

    // Apply the facets chosen in the URL; draw every facet with the counts of the narrowed list.
    async narrow(ids) {
      const facets = await this.index.facets();
      const chosen = FACETS.map(([name]) => [name, this.params.getAll(name)]);
      let narrowed = ids;
      const members = (name, value) => new Set(decodeIds((facets[name] || {})[value] || ""));
      for (const [name, values] of chosen) {
        for (const value of values) {
          const set = members(name, value);
          narrowed = narrowed.filter((id) => set.has(id));
        }
      }
      const inResults = new Set(narrowed);
      for (const [name, label] of FACETS) {
        const counts = [];
        for (const [value, code] of Object.entries(facets[name] || {})) {
          let n = 0;
          for (const id of decodeIds(code)) if (inResults.has(id)) n += 1;
          const selected = this.params.getAll(name).includes(value);
          if (n || selected) counts.push([value, n, selected]);
        }
        if (!counts.length) continue;
        counts.sort((a, b) => b[2] - a[2] || b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const group = this.facetBox.appendChild(el("div", "kiji-facet"));
        group.dataset.facet = name;
        group.appendChild(el("h3", "kiji-facet-title", label));
        const ul = group.appendChild(el("ul", "kiji-facet-list"));
        for (const [value, n, selected] of counts.slice(0, FACET_CHOICES)) {
          const li = ul.appendChild(el("li", selected ? "kiji-facet-choice selected" : "kiji-facet-choice"));
          const params = new URLSearchParams(this.params);
          if (selected) {
            const rest = params.getAll(name).filter((v) => v !== value);
            params.delete(name);
            rest.forEach((v) => params.append(name, v));
          } else params.append(name, value);
          const a = li.appendChild(el("a", "kiji-facet-link"));
          a.href = `?${params.toString()}`;
          a.dataset.value = value;
          if (selected) a.setAttribute("aria-current", "true");
          a.appendChild(el("span", "kiji-facet-value", value));
          a.appendChild(el("span", "kiji-facet-count", String(n)));
        }
      }
      return narrowed;
    }

    async showMore() {
      const next = this.ids.slice(this.shown, this.shown + PAGE_SIZE);
      const docs = await Promise.all(next.map((id) => this.index.doc(id)));
      for (const doc of docs) this.list.appendChild(this.item(doc));
      this.shown += docs.length;
    }

    item(doc) {
      const li = el("li", `kiji-result kind-${doc.kind || "page"}`);
      const { meta } = fillResult(li, doc, this.segments, "kiji-result-title");
      for (const tag of [...(doc.categories || []), ...(doc.tags || [])]) {
        meta.appendChild(el("span", "kiji-result-tag", tag));
      }
      if (meta.childNodes.length) li.appendChild(meta);
      const snippet = snippetNode(doc, this.segments);
      if (snippet) li.appendChild(snippet);
      return li;
    }

    finish(note) {
      const count = this.ids.length;
      this.summary.dataset.state = "done";
      this.summary.dataset.count = String(count);
      this.summary.dataset.exact = "true";
      // How long the search took, for benchmarks/search_eval.py and the curious.
      this.summary.dataset.ms = String(Math.round(performance.now() - this.started));
      this.summary.textContent = `「${this.query}」の検索結果: ${count.toLocaleString("ja-JP")} 件`;
      if (!count && !this.results.querySelector(".kiji-search-empty")) {
        this.results.appendChild(
          el("p", "kiji-search-empty", note || "一致するページは見つかりませんでした。"),
        );
      }
      if (this.shown < count && !this.more) this.moreButton();
      if (this.shown >= count && this.more) {
        this.more.remove();
        this.more = null;
      }
    }

    moreButton() {
      this.more = this.results.appendChild(el("button", "kiji-search-more", "さらに表示"));
      this.more.type = "button";
      this.more.addEventListener("click", async () => {
        this.more.disabled = true;
        this.summary.dataset.state = "running";
        await this.showMore();
        this.more.disabled = false;
        this.finish();
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Part 4: instant results under every search field (the theme's dialog, Ctrl+K / ⌘K)
  // ---------------------------------------------------------------------------------------------
  let instantCount = 0;

  class Instant {
    constructor(input) {
      instantCount += 1;
      this.input = input;
      this.form = input.form;
      this.composing = false;
      this.serial = 0;
      this.active = -1;
      this.listbox = el("ul", "kiji-instant");
      this.listbox.id = `kiji-instant-${instantCount}`;
      this.listbox.setAttribute("role", "listbox");
      this.listbox.setAttribute("aria-label", "検索候補");
      this.listbox.hidden = true;
      this.status = el("p", "kiji-instant-status");
      this.status.setAttribute("role", "status");
      this.status.hidden = true;
      (this.form || input).after(this.status, this.listbox);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", this.listbox.id);
      input.dataset.kijiInstant = "on";
      input.addEventListener("compositionstart", () => {
        this.composing = true;
      });
      input.addEventListener("compositionend", () => {
        this.composing = false;
        this.update();
      });
      input.addEventListener("input", (event) => {
        // Kana being composed is not yet what the reader means: wait for compositionend.
        if (this.composing || event.isComposing) return;
        this.update();
      });
      input.addEventListener("keydown", (event) => this.key(event));
      // The manifest (a few hundred bytes) while the reader starts typing, not after: one
      // round trip less before the first results on a slow network.
      input.addEventListener("focus", () => openIndex(defaultManifest()).catch(() => {}), { once: true });
    }

    options() {
      return Array.from(this.listbox.querySelectorAll('[role="option"]'));
    }

    select(k) {
      const options = this.options();
      this.active = options.length ? (k + options.length) % options.length : -1;
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === this.active)));
      if (this.active >= 0) {
        this.input.setAttribute("aria-activedescendant", options[this.active].id);
        options[this.active].scrollIntoView({ block: "nearest" });
      } else this.input.removeAttribute("aria-activedescendant");
    }

    key(event) {
      if (event.isComposing || this.composing) return;
      const open = !this.listbox.hidden && this.options().length;
      if (event.key === "ArrowDown" && open) {
        event.preventDefault();
        this.select(this.active + 1);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        this.select(this.active < 0 ? -1 : this.active - 1);
      } else if (event.key === "Enter" && open && this.active >= 0) {
        event.preventDefault();
        window.location.href = this.options()[this.active].dataset.href;
      } else if (event.key === "Escape" && open) {
        event.stopPropagation();
        this.close();
      }
    }

    // The status line under the list: the exact count once every candidate is confirmed.
    async count(found, serial) {
      delete this.status.dataset.count;
      if (!found.complete) this.status.textContent = `${found.ids.length} 件以上（件数を数えています…）`;
      try {
        await found.confirm(Infinity, () => serial === this.serial);
      } catch (err) {
        console.error("[kiji-search]", err);
        return;
      }
      if (serial !== this.serial || !found.complete) return;
      const count = found.ids.length;
      this.status.textContent = `${count.toLocaleString("ja-JP")} 件${count > INSTANT_SIZE ? "（Enter ですべて表示）" : ""}`;
      this.status.dataset.count = String(count);
    }

    close() {
      this.listbox.hidden = true;
      this.status.hidden = true;
      this.input.setAttribute("aria-expanded", "false");
      this.input.removeAttribute("aria-activedescendant");
      this.active = -1;
    }

    async update() {
      const serial = ++this.serial;
      const query = this.input.value;
      const started = performance.now();
      if (!query.trim()) {
        this.listbox.replaceChildren();
        this.close();
        return;
      }
      let found;
      let docs;
      try {
        const index = await openIndex(defaultManifest());
        found = await prepare(index, query);
        if (serial !== this.serial) return;
        // The first few matches are enough to paint; the count follows (see count()).
        const first = await found.confirm(INSTANT_SIZE + 1);
        if (serial !== this.serial) return;
        docs = await Promise.all(first.slice(0, INSTANT_SIZE).map((id) => index.doc(id)));
      } catch (err) {
        console.error("[kiji-search]", err);
        return;
      }
      if (serial !== this.serial) return; // a later keystroke already answered
      const items = docs.map((doc, i) => {
        const li = el("li", "kiji-instant-option");
        li.id = `${this.listbox.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.href = new URL(doc.url, contentRoot()).href;
        const { link, meta } = fillResult(li, doc, found.segments, "kiji-instant-title");
        link.tabIndex = -1;
        if (meta.childNodes.length) li.appendChild(meta);
        const snippet = snippetNode(doc, found.segments);
        if (snippet) li.appendChild(snippet);
        return li;
      });
      this.listbox.replaceChildren(...items);
      this.status.hidden = false;
      if (found.tooShort) this.status.textContent = "検索語が短すぎます";
      else this.count(found, serial);
      this.listbox.dataset.ms = String(Math.round(performance.now() - started));
      this.listbox.dataset.query = query;
      this.listbox.hidden = !items.length;
      this.input.setAttribute("aria-expanded", String(items.length > 0));
      this.active = -1;
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  const attachInstant = () => {
    for (const input of document.querySelectorAll('form input[name="q"]')) {
      if (input.dataset.kijiInstant || input.closest("#kiji-search")) continue;
      const action = input.form && input.form.getAttribute("action");
      if (action !== null && !/search(\.html)?$/.test(action || "")) continue;
      new Instant(input);
    }
  };

  // ---------------------------------------------------------------------------------------------
  // Part 5: Read the Docs Addons. Its search addon opens RTD's server-side search modal on the
  // "readthedocs-search-show" event (its "/" hotkey and theme integrations dispatch it on
  // document). That search does not split Japanese as this index does, so while the addon is
  // on, a capturing listener on window (which runs before any listener on document) takes the
  // event and opens the theme's own search dialog, or focuses the page's search field, instead.
  // The real fix is the project setting (Addons > Search off); this keeps readers on our search
  // when it was left on.
  // ---------------------------------------------------------------------------------------------
  const openOwnSearch = () => {
    const dialog = document.getElementById("pst-search-dialog");
    if (dialog && typeof dialog.showModal === "function") {
      if (!dialog.open) dialog.showModal();
      const input = dialog.querySelector('input[name="q"]');
      if (input) input.focus();
      return;
    }
    const input = document.querySelector('form input[name="q"]');
    if (input) input.focus();
  };
  const takeOverAddonSearch = (event) => {
    event.stopImmediatePropagation();
    event.preventDefault();
    openOwnSearch();
  };
  document.addEventListener("readthedocs-addons-data-ready", (event) => {
    let config = null;
    try {
      config = event.detail && typeof event.detail.data === "function" ? event.detail.data() : null;
    } catch (err) {
      console.error("[kiji-search]", err);
    }
    const enabled = Boolean(config && config.addons && config.addons.search && config.addons.search.enabled);
    document.documentElement.dataset.kijiRtdSearch = enabled ? "guarded" : "off";
    if (enabled && !window.kijiGuardsAddonSearch) {
      window.kijiGuardsAddonSearch = true;
      window.addEventListener("readthedocs-search-show", takeOverAddonSearch, true);
    }
  });

  const start = () => {
    attachInstant();
    const root = document.getElementById("kiji-search");
    if (!root) return;
    const params = new URLSearchParams(window.location.search);
    const query = params.get("q") || "";
    document.querySelectorAll('input[name="q"]').forEach((input) => {
      input.value = query;
    });
    if (!query.trim()) return;
    document.title = `「${query}」の検索結果 - ${document.title}`;
    new SearchPage(root, params).run(query);
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  return {
    normalize,
    indexTerms,
    queryTerms,
    querySegments,
    isExact,
    contains,
    shardOf,
    encodeIds,
    decodeIds,
    decodePositions,
    queryOffsets,
    snippetPieces,
    cover,
    search: async (query) => search(await openIndex(defaultManifest()), query),
    // The first n matches as the instant list gets them, and whether they are all there is.
    first: async (query, n) => {
      const found = await prepare(await openIndex(defaultManifest()), query);
      const ids = await found.confirm(n);
      return { ids, complete: found.complete };
    },
  };
})();
