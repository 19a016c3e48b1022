/*
 * kiji-search.js: the browser half of kiji's Japanese full-text search.
 *
 * Part 1 mirrors _ext/kiji/textsplit.py function by function (same names in camelCase, same
 * character ranges, same order of terms): the query must be split exactly as the index was, or a
 * word copied from a post would not find it. tests/browser/test_search.py compares the two.
 *
 * Part 2 runs a query on search.html?q=...: it loads the manifest, the term shards the query needs
 * and the document chunks of the results it shows; intersects the posting lists (every term must
 * occur); ranks by where the terms occur (exact taxonomy name, title, tags/categories/authors,
 * body) and recency; fetches the result pages in rank order, four at a time, as Sphinx's own
 * search does for its summaries, both for the snippet and, when a query segment is not a single
 * index term, to confirm it (bigrams and junctions do not record positions); shows results as
 * they are decided, in rank order, each with title, date and a snippet with <mark>ed matches;
 * stops after a page of 50 results (「さらに表示」 goes on), so a common word on a large site
 * costs 50 fetches, not thousands; and ends with a Japanese count line, exact when every
 * candidate is decided, "約 N 件" (estimated from the share confirmed so far) otherwise.
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
  const DIGIT_VALUE = new Map(Array.from(DIGITS, (c, i) => [c, i]));
  const decodeIds = (code) => {
    const ids = [];
    let prev = -1;
    let value = 0;
    let shift = 0;
    for (const ch of code || "") {
      const digit = DIGIT_VALUE.get(ch);
      if (digit >= 32) {
        value += (digit - 32) * 2 ** shift;
        shift += 5;
      } else {
        value += digit * 2 ** shift;
        prev += value + 1;
        ids.push(prev);
        value = 0;
        shift = 0;
      }
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

  // ---------------------------------------------------------------------------------------------
  // Part 2: the search page
  // ---------------------------------------------------------------------------------------------
  const PAGE_SIZE = 50; // results shown at once (then 「さらに表示」)
  const CONCURRENCY = 4; // pages fetched at once to confirm candidates and make snippets
  const WEIGHT = { title: 8, meta: 5, name: 1000 };
  const SNIPPET_BEFORE = 40;
  const SNIPPET_AFTER = 110;

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

  class Index {
    constructor(manifestUrl) {
      this.base = new URL(".", manifestUrl);
      this.manifestUrl = manifestUrl;
      this.shards = new Map();
      this.chunks = new Map();
    }

    async load() {
      // Revalidated every time: the version in it busts the cache of every other file.
      this.manifest = await fetchJSON(this.manifestUrl, { cache: "no-cache" });
      if (this.manifest.format !== 1) throw new Error("unknown index format");
      return this;
    }

    file(path) {
      return new URL(`${path}?v=${encodeURIComponent(this.manifest.version)}`, this.base);
    }

    shard(term) {
      const n = shardOf(term, this.manifest.shards);
      if (!this.shards.has(n)) {
        const name = n.toString(16).padStart(this.manifest.shardWidth, "0");
        this.shards.set(n, fetchJSON(this.file(`t/${name}.json`)));
      }
      return this.shards.get(n);
    }

    async entry(term) {
      const shard = await this.shard(term);
      return Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null;
    }

    async doc(id) {
      const k = Math.floor(id / this.manifest.chunk);
      if (!this.chunks.has(k)) this.chunks.set(k, fetchJSON(this.file(`d/${k}.json`)));
      const [url, title, date, dateDisplay, kind, tags, categories, excerpt] = (
        await this.chunks.get(k)
      )[id % this.manifest.chunk];
      return { id, url, title, date, dateDisplay, kind, tags, categories, excerpt };
    }
  }

  // Candidates (all terms present) in rank order, with their scores.
  const rank = async (index, terms, segments) => {
    const entries = await Promise.all(terms.map((t) => index.entry(t)));
    if (entries.some((e) => e === null)) return [];
    let candidates = null;
    for (const e of entries) {
      const ids = decodeIds(e[0]);
      candidates = candidates === null ? ids : intersect(candidates, ids);
      if (!candidates.length) return [];
    }
    // Every candidate holds every term somewhere; what differs is where.
    const score = new Map(candidates.map((id) => [id, 0]));
    const add = (ids, weight) => {
      for (const id of ids) if (score.has(id)) score.set(id, score.get(id) + weight);
    };
    for (const e of entries) {
      add(decodeIds(e[1]), WEIGHT.title);
      add(decodeIds(e[2]), WEIGHT.meta);
    }
    const nameEntry = await index.entry(`=${segments.join(" ")}`);
    if (nameEntry) add(decodeIds(nameEntry[0]), WEIGHT.name);
    return candidates.sort((a, b) => score.get(b) - score.get(a) || a - b);
  };

  // Not page content: permalinks, scripts, and what Sphinx's search convention marks
  // "no-search". kiji's listings and previous/next links are filled in after the page was read
  // (so they are not in the index either) and list other posts: matching them would only
  // return the page that links to the post instead of the post.
  // Labels ("タグ:", "読了時間 約8分") are interface, not content. Keep this list equal to
  // NOT_CONTENT_CLASSES in benchmarks/search_eval.py.
  const NOT_CONTENT = [
    ".headerlink",
    "script",
    "style",
    ".no-search",
    ".kiji-post-footer",
    ".kiji-prev-next",
    ".kiji-postlist",
    ".kiji-cloud",
    ".kiji-term-list",
    ".kiji-count",
    ".kiji-archive",
    ".kiji-label",
    ".kiji-sep",
    ".kiji-reading-time",
  ].join(", ");
  // Repeated on every post; a snippet from the body says more.
  const NOT_SNIPPET = "h1, .kiji-post-header";

  // The text a reader sees in a fetched page (the article), and the part of it a snippet
  // should come from.
  const pageText = (html) => {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const main =
      doc.querySelector("article.bd-article") ||
      doc.querySelector('div.body[role="main"]') ||
      doc.querySelector('[role="main"]') ||
      doc.body;
    if (!main) return ["", ""];
    main.querySelectorAll(NOT_CONTENT).forEach((node) => node.remove());
    const all = main.textContent;
    main.querySelectorAll(NOT_SNIPPET).forEach((node) => node.remove());
    return [all, main.textContent];
  };

  const metaText = (doc) =>
    [doc.title, ...(doc.tags || []), ...(doc.categories || [])].join("\n");

  // Normalize code point by code point, remembering where each normalized unit came from, so a
  // match found in normalized text can be marked in the original. Kana, common kanji and ASCII
  // digits/lower-case letters are their own normal form: skip normalize() for them (speed).
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

  // [{text, mark}] pieces of a snippet around the first match of any segment.
  const snippetPieces = (text, segments) => {
    const flat = text.replace(/\s+/gu, " ").trim();
    const [norm, map] = normalizeWithMap(flat);
    const ranges = [];
    for (const seg of segments) {
      let at = findMatch(norm, seg);
      while (at >= 0) {
        ranges.push([map[at], map[at + seg.length]]);
        at = findMatch(norm, seg, at + Math.max(seg.length, 1));
      }
    }
    if (!ranges.length) return null;
    ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const first = ranges[0][0];
    let start = Math.max(0, first - SNIPPET_BEFORE);
    let end = Math.min(flat.length, first + SNIPPET_AFTER);
    // Do not cut a surrogate pair in half.
    if (start > 0 && /[\udc00-\udfff]/u.test(flat[start] || "")) start -= 1;
    if (end < flat.length && /[\udc00-\udfff]/u.test(flat[end] || "")) end += 1;
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

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };

  class SearchPage {
    constructor(root) {
      this.root = root;
      this.results = root.querySelector("#search-results");
      this.progress = document.getElementById("search-progress");
      this.contentRoot = new URL(
        document.documentElement.dataset.content_root || "./",
        window.location.href,
      );
      this.ranked = [];
      this.next = 0; // the next candidate to examine, in rank order
      this.examined = 0;
      this.accepted = 0;
      this.verify = false;
    }

    async run(query) {
      this.started = performance.now();
      const segments = querySegments(query);
      const terms = queryTerms(query);
      this.heading = this.results.appendChild(el("h2", "kiji-search-title", "検索結果"));
      this.summary = this.results.appendChild(el("p", "kiji-search-summary search-summary"));
      this.summary.setAttribute("role", "status");
      this.summary.dataset.state = "running";
      this.summary.textContent = `「${query}」を検索しています…`;
      this.list = this.results.appendChild(el("ul", "search kiji-search-list"));
      this.list.setAttribute("role", "list");
      this.query = query;
      if (!terms.length) {
        this.finish("検索語が短すぎます。漢字・カタカナ・英数字を含む語で探してください。");
        return;
      }
      let index;
      let ranked;
      try {
        index = await new Index(new URL(this.root.dataset.index, window.location.href)).load();
        ranked = await rank(index, terms, segments);
      } catch (err) {
        console.error("[kiji-search]", err);
        this.finish("検索インデックスを読み込めませんでした。");
        return;
      }
      this.index = index;
      this.segments = segments;
      this.query = query;
      this.ranked = ranked;
      // Single-term segments are decided by the index; others need the page (bigrams and
      // junctions do not record positions, so 高速 + 速化 is not yet 高速化).
      this.verify = !segments.every(isExact);
      await this.pump(PAGE_SIZE);
      this.finish();
    }

    // Examine candidates in rank order, CONCURRENCY pages at a time, until `limit` results are
    // shown or no candidate is left. Each page is fetched once: to confirm the match and for its
    // snippet. A result is shown once every better-ranked candidate is decided, so the list
    // never reorders while pages arrive. Stopping at a page of results keeps a common word on a
    // large site from fetching thousands of pages; the count is then an estimate.
    async pump(limit) {
      const first = this.next;
      const decided = [];
      let flushed = first;
      let acceptedSoFar = this.accepted;
      const flush = () => {
        while (decided[flushed - first] !== undefined) {
          const result = decided[flushed - first];
          decided[flushed - first] = null;
          flushed += 1;
          this.examined += 1;
          if (result) {
            this.accepted += 1;
            this.list.appendChild(this.item(result));
          }
        }
        if (this.progress) this.progress.textContent = `${this.examined} / ${this.ranked.length}`;
      };
      let inFlight = 0;
      const work = async () => {
        // Pages in flight may still be rejected: start another only while they cannot overfill.
        while (this.next < this.ranked.length && acceptedSoFar + inFlight < limit) {
          const position = this.next;
          this.next += 1;
          inFlight += 1;
          const id = this.ranked[position];
          let result;
          try {
            result = await this.examine(id, this.verify);
          } catch (err) {
            // A page that cannot be fetched is shown unconfirmed rather than silently dropped.
            console.error("[kiji-search]", err);
            result = { doc: await this.index.doc(id), pieces: null };
          }
          inFlight -= 1;
          if (result) acceptedSoFar += 1;
          decided[position - first] = result;
          flush();
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, work));
      flush();
    }

    // Decide one candidate: {doc, pieces} when it matches, null when it does not.
    async examine(id, verify) {
      const doc = await this.index.doc(id);
      const url = new URL(doc.url, this.contentRoot);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${response.status} ${url}`);
      const [text, body] = pageText(await response.text());
      if (verify) {
        const haystack = normalize(`${text}\n${metaText(doc)}`);
        if (!this.segments.every((seg) => contains(haystack, seg))) return null;
      }
      return {
        doc,
        pieces: snippetPieces(body, this.segments) || snippetPieces(text, this.segments),
      };
    }

    item({ doc, pieces }) {
      const li = el("li", `kiji-result kind-${doc.kind || "page"}`);
      const link = li.appendChild(el("a", "kiji-result-title", doc.title || doc.url));
      link.href = new URL(doc.url, this.contentRoot).href;
      const meta = el("div", "kiji-result-meta");
      if (doc.dateDisplay || doc.date) {
        const time = meta.appendChild(el("time", "kiji-result-date", doc.dateDisplay || doc.date));
        if (doc.date) time.dateTime = doc.date;
      }
      for (const tag of [...(doc.categories || []), ...(doc.tags || [])]) {
        meta.appendChild(el("span", "kiji-result-tag", tag));
      }
      if (meta.childNodes.length) li.appendChild(meta);
      const snippet = li.appendChild(el("p", "kiji-result-snippet"));
      const fallback = doc.excerpt ? snippetPieces(doc.excerpt, this.segments) : null;
      const use = pieces || fallback;
      if (use) {
        for (const piece of use) {
          snippet.appendChild(piece.mark ? el("mark", null, piece.text) : document.createTextNode(piece.text));
        }
      } else if (doc.excerpt) snippet.textContent = doc.excerpt;
      else snippet.remove();
      return li;
    }

    // The count line: exact once every candidate is decided (or when the index alone decides),
    // an estimate from the share confirmed so far otherwise.
    finish(note) {
      if (this.progress) this.progress.textContent = "";
      const left = this.ranked.length - this.next;
      let count = this.accepted;
      let exact = true;
      if (left > 0 && !this.verify) count = this.ranked.length;
      else if (left > 0) {
        count = this.accepted + Math.round((left * this.accepted) / Math.max(1, this.examined));
        exact = false;
      }
      this.summary.dataset.state = "done";
      this.summary.dataset.count = String(count);
      this.summary.dataset.exact = String(exact);
      // How long the search took, for benchmarks/search_eval.py and the curious.
      this.summary.dataset.ms = String(Math.round(performance.now() - this.started));
      const number = count.toLocaleString("ja-JP");
      this.summary.textContent = `「${this.query}」の検索結果: ${exact ? "" : "約 "}${number} 件`;
      if (!count && !this.results.querySelector(".kiji-search-empty")) {
        this.results.appendChild(
          el("p", "kiji-search-empty", note || "一致するページは見つかりませんでした。"),
        );
      }
      if (left > 0 && !this.more) this.moreButton();
      if (left <= 0 && this.more) this.more.remove();
    }

    moreButton() {
      this.more = this.results.appendChild(el("button", "kiji-search-more", "さらに表示"));
      this.more.type = "button";
      this.more.addEventListener("click", async () => {
        this.more.disabled = true;
        this.summary.dataset.state = "running";
        await this.pump(this.list.children.length + PAGE_SIZE);
        this.more.disabled = false;
        this.finish();
      });
    }
  }

  const start = () => {
    const root = document.getElementById("kiji-search");
    if (!root) return;
    const query = new URLSearchParams(window.location.search).get("q") || "";
    document.querySelectorAll('input[name="q"]').forEach((input) => {
      input.value = query;
    });
    if (!query.trim()) return;
    document.title = `「${query}」の検索結果 - ${document.title}`;
    new SearchPage(root).run(query);
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
    snippetPieces,
  };
})();
