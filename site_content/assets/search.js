/* The procedure search of the header search box (site_overrides/main.html; docs/search.md).
 *
 * On first use (focus or typing) it loads search/procedures.json, which the build wrote
 * (generator/site/search.py), builds a word index from it, and shows results under the box as one
 * types: procedures (name, code, level, online badge) with filters, then the site's other pages; or,
 * when nothing matches well, says so and offers the browse pages and the national portal. Once the
 * first results are shown it loads search/rest.json, the rest of the index, and answers again. Query
 * text is folded exactly as the procedures were: fold() here is generator.site.search.fold. A code
 * ("1.001193", "1001193") submitted goes straight to its procedure. Without JavaScript the form
 * opens tim-kiem/. Plain ES2017, no build step, nothing from another site. The engine (first part)
 * needs no DOM: node runs it for the tests.
 */
(function () {
  "use strict";

  /* ---- the engine: no DOM, so that node can run it too (module.exports below) ----------------- */

  var FORMAT = 4;  // FORMAT in search.py
  var MAX_PHRASE = 6;  // MAX_PHRASE in search.py
  var CODE = /^([0-9])\.?([0-9]{6})$/;
  // How well a query word matches a procedure, by where: its name, its keywords or results, or only
  // its sector or agencies; and how a word that is not exact counts.
  var IN_NAME = 1, IN_EXTRA = 0.8, IN_BODY = 0.35;
  var PREFIX = 0.8, TELEX = 0.95, TYPO = 0.6;
  var PAIR = 0.6;  // two neighbouring query words side by side in the name
  var PHRASE = 0.5;  // a synonym matched as a phrase in the name, per word of the query it stands for
  var LONGER = 0.1;  // … and per word of the phrase: "giấy chứng nhận quyền sử dụng đất" over "quyền sử dụng đất"
  var VARIANT = 0.6;  // a variant whose variant words the query does not name
  var SHORT = 0.3;  // × the share of the name's words that the query matched
  var START = 0.1;  // per word (up to 3, at least 2) of the query's content that begins the name
  var NEUTRAL = new Set(["cap", "dang", "ky", "thu", "tuc"]);  // NEUTRAL in search.py: not naming a variant
  var RARE = 0.15;  // the least a content word weighs (its rarity, 0 to 1, is the rest)
  var LONG = 10;  // a name of more words than this matches less in its later words, as in BM25:
                 // the 200-word name that has every common word is not what "khai sinh" means
  var FOUND = 0.6;  // the least share of the query's content some procedure's name must have
  var LIST = 0.3;  // the least share of the query's content a listed procedure must match
  var QUESTION = 8;  // a query of more content words than this may be a story (the decision "found", below)
  var TOLD = 0.7;  // … a shorter one is found at this share, its words weighed as for the ranking,
  var TOLD_NAMED = 0.45;  // … if its words weighed by rarity alone come to this share
  var HOLED = 3;  // a typed form of so many words or more is found with any one word inside it
  var COMMON = 4;  // a word in 1 / COMMON of the names or more names no special case
  var RUN = 4;  // so many content words of the query side by side in a name: found, whatever the rest
  var EVERYDAY = 3;  // how much likelier a query word is everyday speech than the names' language (below)
  // Other bodies' phrases that say who, not what ("người khuyết tật", "sinh viên nghèo"): a question
  // may begin with them and ask for a procedure of the catalog ("người cao tuổi làm lại căn cước").
  var PERSON = /^(nguoi|tre em|hoc sinh|sinh vien|giao vien|benh nhan|ba me|me viet nam)( |$)/;
  var PURPOSE = 0.4;  // the weight, in the ranking, of a purpose clause that names another procedure,
                     // and of a topic before "thì" when what follows names one (below)

  /* Lower case, NFC, diacritics dropped, đ → d, the dot inside a code dropped, punctuation → space. */
  function fold(text) {
    return foldMany([text])[0];
  }

  /* fold() of each text, in one pass over them all (a line break between two texts is kept, every
     other character is folded as fold() does): much faster than one call per text. */
  function foldMany(texts) {
    if (!texts.length) return [];
    var joined = texts.map(function (t) { t = String(t); return t.indexOf("\n") < 0 ? t : t.replace(/\n/g, " "); }).join("\n");
    return joined.normalize("NFC").toLowerCase().replace(/đ/g, "d").normalize("NFD")
      .replace(/[\u0300-\u036f]+/g, "").replace(/([0-9])\.(?=[0-9])/g, "$1")
      .replace(/[^a-z0-9\n]+/g, " ").split("\n").map(function (t) { return t.trim(); });
  }

  function words(text) {
    var folded = fold(text);
    return folded ? folded.split(" ") : [];
  }

  /* How many words the core of a name has: without brackets and a leading "thủ tục" (core_name in
     search.py); given the words of the name without its brackets. */
  function coreLength(words) {
    return words[0] === "thu" && words[1] === "tuc" ? words.length - 2 : words.length;
  }

  /* The word index, built from the payload: word → [position × 4 + where] (3 name or code, 2
     keywords or results), each procedure once per word, at its best place; and for the words of
     sectors and agencies, word → the lists of procedures of each sector or agency that has it.
     In two steps, so that the page can show the first results sooner: prepare(payload, true)
     indexes the names and codes only and returns at once; data.complete(rest) then adds the rest
     (keywords, results, sectors, agencies, the vocabulary that prefixes and typos look words up
     in, the other pages, other bodies' words). The site sends that rest as a second file,
     search/rest.json (split_payload in search.py), fetched once the first results are shown;
     complete(rest) puts it back into the payload first. prepare(payload, false, rest) does both
     steps; prepare(payload) on a whole payload too. Either way, once complete the index is the
     same. */
  function join(payload, rest) {
    if (rest.format !== FORMAT) throw new Error("search/rest.json: unknown format");
    payload.docs.forEach(function (doc, position) { if (rest.k[position]) doc.k = rest.k[position]; });
    payload.agencies = rest.agencies;
    payload.pages = rest.pages;
    payload.words.elsewhere = rest.elsewhere;
    payload.words.everyday = rest.everyday;
  }

  function prepare(payload, namesFirst, rest) {
    if (payload.format !== FORMAT) throw new Error("search/procedures.json: unknown format");
    function split(folded) { return folded ? folded.split(" ") : []; }
    var docs = payload.docs;
    var byCode = Object.create(null);
    var names = foldMany(docs.map(function (d) { return d.n; }));
    var bracketed = foldMany(docs.map(function (d) { return d.n.indexOf("(") < 0 ? "" : d.n.replace(/\([^)]*\)/g, " "); }));
    for (var position = 0; position < docs.length; position++) {
      var doc = docs[position];
      byCode[doc.c] = position;
      doc.words = split(names[position]);
      var core = doc.n.indexOf("(") < 0 ? doc.words : split(bracketed[position]);
      doc.core = coreLength(core);
      // A special case of another procedure ("Đăng ký khai sinh lưu động", "… có yếu tố nước
      // ngoài" after "Đăng ký khai sinh"): the words of its name after the other's (t, search.py).
      if (doc.t) doc.tail = core.slice(core.length - doc.core + doc.t);
      doc.fit = Math.pow(1 + Math.max(0, coreLength(doc.words) - LONG) / LONG, -0.4);
    }
    var synonyms = new Map();
    payload.words.synonyms.forEach(function (group) {  // [[phrase, …], [typed, …]]
      var phrases = group[0].map(function (p) { return p.split(" "); });
      group[1].forEach(function (typed) { synonyms.set(typed, phrases); });
    });
    var spoken = new Set();  // the words of the typed forms and fillers: a query word to read as typed
    synonyms.forEach(function (_, typed) { typed.split(" ").forEach(function (w) { spoken.add(w); }); });
    payload.words.fillers.forEach(function (f) { f.split(" ").forEach(function (w) { spoken.add(w); }); });
    var data = {
      docs: docs, byCode: byCode, postings: index(docs, false), body: new Map(), vocabulary: [], byLength: [],
      fillers: new Set(payload.words.fillers), spoken: spoken, spokenWords: Array.from(spoken), homographs: new Set(payload.words.homographs || []), synonyms: synonyms,
      variants: payload.words.variants.map(function (v) { return v.split(" "); }),
      variantSet: new Set(payload.words.variants),
      elsewhere: [],
      sectors: payload.sectors, levels: payload.levels, online: payload.online, links: payload.links,
      pages: [], after: new Map(), before: new Map(), complete: null,
      inNames: new Map(), tokens: 0, everyday: new Map(),
    };
    data.complete = function (rest) {
      if (rest) join(payload, rest);
      data.complete = null;
      data.elsewhere = (payload.words.elsewhere || []).map(function (e) { return e.split(" "); });
      var postings = index(docs, true);
      var body = new Map();
      function group(texts, members) {
        foldMany(texts).forEach(function (folded, id) {
          if (!members[id]) return;
          split(folded).forEach(function (w) { (body.get(w) || body.set(w, []).get(w)).push(members[id]); });
        });
      }
      var bySector = [], byAgency = [];
      docs.forEach(function (doc, position) {
        if (doc.x === 2) return;
        (bySector[doc.s] || (bySector[doc.s] = [])).push(position);
        (doc.a || []).forEach(function (a) { (byAgency[a] || (byAgency[a] = [])).push(position); });
      });
      group(payload.sectors, bySector);
      group(payload.agencies, byAgency);
      var vocabulary = Array.from(new Set(Array.from(postings.keys()).concat(Array.from(body.keys())))).sort();
      var byLength = [];
      vocabulary.forEach(function (w) { (byLength[w.length] || (byLength[w.length] = [])).push(w); });
      // For each word of the names, the words that follow it and those it follows.
      var after = new Map(), before = new Map();
      function beside(map, word, other) { (map.get(word) || map.set(word, new Set()).get(word)).add(other); }
      docs.forEach(function (doc) {
        if (doc.x === 2) return;
        for (var i = 1; i < doc.words.length; i++) {
          beside(after, doc.words[i - 1], doc.words[i]);
          beside(before, doc.words[i], doc.words[i - 1]);
        }
      });
      data.after = after;
      data.before = before;
      // How often each word stands in the names, and how common it is in everyday Vietnamese
      // (words.everyday: [Zipf × 10, "word word …"], from wordfreq; search_everyday.yaml).
      var inNames = new Map(), tokens = 0;
      docs.forEach(function (doc) {
        if (doc.x === 2) return;
        doc.words.forEach(function (w) { inNames.set(w, (inNames.get(w) || 0) + 1); });
        tokens += doc.words.length;
      });
      var everyday = new Map();
      (payload.words.everyday || []).forEach(function (row) {
        var share = Math.pow(10, row[0] / 10 - 9);
        row[1].split(" ").forEach(function (w) { everyday.set(w, share); });
      });
      data.inNames = inNames;
      data.tokens = tokens;
      data.everyday = everyday;
      data.postings = postings;
      data.body = body;
      data.vocabulary = vocabulary;
      data.byLength = byLength;
      data.pages = foldMany(payload.pages.map(function (page) { return page[0]; })).map(function (folded, i) {
        return { title: payload.pages[i][0], url: payload.pages[i][1], words: split(folded) };
      });
    };
    if (!namesFirst) data.complete(rest);
    return data;
  }

  /* word → [position × 4 + where] over the names and codes (3), and the keywords and results (2)
     when ``extra``; procedures come in order, each with its best place first, so a word already
     listed for this procedure is its list's last entry. */
  function index(docs, extra) {
    var postings = new Map();
    function add(word, position, where) {
      var list = postings.get(word);
      if (!list) postings.set(word, list = []);
      else if (list[list.length - 1] >> 2 === position) return;  // already, at a better place
      list.push(position * 4 + where);
    }
    for (var position = 0; position < docs.length; position++) {
      var doc = docs[position];
      if (doc.x === 2) continue;  // abolished: found by its code only
      for (var i = 0; i < doc.words.length; i++) add(doc.words[i], position, 3);
      add(doc.c.replace(".", ""), position, 3);  // "1001193", as fold() writes a code
      if (extra && doc.k) doc.k.split(" ").forEach(function (w) { add(w, position, 2); });
    }
    return postings;
  }

  function has(data, word) {
    return data.postings.has(word) || data.body.has(word);
  }

  /* How many procedures have the word (one in both a sector and an agency counts twice). */
  function frequency(data, word) {
    var n = (data.postings.get(word) || []).length;
    (data.body.get(word) || []).forEach(function (members) { n += members.length; });
    return n;
  }

  /* Each procedure with the word, and where: fn(position, 3 name | 2 keywords | 1 sector or agency). */
  function each(data, word, fn) {
    (data.postings.get(word) || []).forEach(function (key) { fn(key >> 2, key & 3); });
    (data.body.get(word) || []).forEach(function (members) {
      members.forEach(function (position) { fn(position, 1); });
    });
  }

  /* The chance that a query word comes from the names' language rather than from everyday speech:
     a mixture of the two, the word's share of the names' words (+ ½ a word) against EVERYDAY × its
     share of everyday Vietnamese. 1 for a word everyday Vietnamese does not have (codes, "gplx"). */
  function topical(data, word) {
    var share = data.everyday.get(word);
    if (share === undefined) return 1;
    var inNames = (data.inNames.get(word) || 0) + 0.5;
    return inNames / (inNames + EVERYDAY * share * data.tokens);
  }

  function codeOf(query) {
    var match = CODE.exec(query.trim());
    return match ? match[1] + "." + match[2] : null;
  }

  /* Telex and VNI leftovers of a word typed without its keyboard's Vietnamese mode: "dangw" →
     "dang", "kys" → "ky", "ddi" → "di", "nhaa" → "nha", "dang9" → "dang". */
  function untelex(word) {
    if (/[0-9]/.test(word) && /[a-z]/.test(word)) return word.replace(/[0-9]/g, "");
    var bare = word.replace(/w/g, "").replace(/dd/g, "d").replace(/aa/g, "a").replace(/ee/g, "e").replace(/oo/g, "o");
    if (/[aeiouy][a-z]*[sfrxj]$/.test(bare)) bare = bare.slice(0, -1);
    else bare = bare.replace(/([aeiouy])[sfrxj](?=[a-z])/, "$1");  // the tone typed inside: "khasi" → "khai"
    return bare;
  }

  /* Whether a and b differ by one edit: a letter added, dropped, changed, or two swapped. */
  function oneEdit(a, b) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1 || a === b) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      return a.slice(i + 1) === b.slice(i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  /* Whether a and b (of one length) differ by two neighbouring letters swapped. */
  function swapped(a, b) {
    for (var i = 0; i < a.length && a[i] === b[i]; i++);
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }

  /* What a query word may match, as [word, factor]: itself; the words it begins, if it is being
     typed; and when it is no word of the catalog, its telex/VNI reading or the words one edit away
     (words of 4 letters or more; a typed word of 3 letters only when the edit adds a letter). */
  function alternatives(data, term, partial) {
    var found = [];
    if (has(data, term)) found.push([term, 1]);
    if (partial) {
      var vocabulary = data.vocabulary;
      var lo = 0, hi = vocabulary.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (vocabulary[mid] < term) lo = mid + 1; else hi = mid; }
      for (var i = lo; i < vocabulary.length && vocabulary[i].lastIndexOf(term, 0) === 0; i++) {
        if (vocabulary[i] !== term) found.push([vocabulary[i], PREFIX]);
      }
    }
    // i and y are one sound: "ki" is "ky", "ly" is "li".
    var other = /[iy]/.test(term) ? term.replace(/[iy]/g, function (c) { return c === "i" ? "y" : "i"; }) : "";
    if (other && has(data, other)) found.push([other, TELEX]);
    if (found.length || /^[0-9]+$/.test(term)) return found;
    var plain = untelex(term);
    if (plain !== term && has(data, plain)) return [[plain, TELEX]];
    if (term.length < 3) return found;
    // A letter typed twice ("sann", "thee") is the word of 3 letters without it.
    for (var d = 0; term.length === 4 && d < 3; d++) {
      var single = term.slice(0, d) + term.slice(d + 1);
      if (term[d] === term[d + 1] && has(data, single)) found.push([single, TYPO]);
    }
    for (var length = term.length - 1; length <= term.length + 1; length++) {
      if (length < 4 && !(length === 3 && term.length === 3)) continue;  // "sna" → "san" (two swapped)
      (data.byLength[length] || []).forEach(function (word) {
        if (oneEdit(term, word)) found.push([word, TYPO, length === 3 && !swapped(term, word)]);
      });
    }
    return found;
  }

  function startsAt(list, at, phrase) {
    for (var i = 0; i < phrase.length; i++) if (list[at + i] !== phrase[i]) return false;
    return true;
  }

  /* Where ``phrase`` first stands in ``list`` as neighbouring words, or -1. */
  function findAt(list, phrase) {
    for (var at = 0; at + phrase.length <= list.length; at++) if (startsAt(list, at, phrase)) return at;
    return -1;
  }

  function contains(list, phrase) {
    return findAt(list, phrase) >= 0;
  }

  /* The words of a unit: a typed form found with a word of the query inside it ("ba [em] mất")
     leaves that word out, an ordinary word of the query. */
  function size(u) { return u.to - u.from - (u.hole >= 0 ? 1 : 0); }
  function inUnit(u, t) { return t >= u.from && t < u.to && t !== u.hole; }

  /* The query read as units: synonyms' typed forms and filler phrases (the longest first, as
     neighbouring words), and single words. */
  function understand(data, terms) {
    // The units that may begin at each word: a typed form or a filler phrase of up to MAX_PHRASE
    // words, or the word alone.
    function unitsAt(i) {
      var found = [];
      // A typed form may have a one-word filler typed inside it ("tai nạn khi [đang] làm việc"),
      // or, when it has 3 words or more, any one word ("ba [em] mới mất" → "ba em mất", "tư vấn
      // [pháp] luật miễn phí"), which then stays a word of the query of its own (the unit's hole).
      if (!data.fillers.has(terms[i])) {
        for (var to = Math.min(i + MAX_PHRASE + 1, terms.length); to > i + 2; to--) {
          for (var skip = i + 1; skip < to - 1; skip++) {
            var filler = data.fillers.has(terms[skip]);
            if (!filler && to - i - 1 < HOLED) continue;
            var kept = terms.slice(i, skip).concat(terms.slice(skip + 1, to)).join(" ");
            if (data.synonyms.has(kept)) { found.push({ from: i, to: to, phrases: data.synonyms.get(kept), hole: filler ? -1 : skip }); break; }
          }
        }
      }
      for (var length = Math.min(MAX_PHRASE, terms.length - i); length >= 1; length--) {
        var key = terms.slice(i, i + length).join(" ");
        if (data.synonyms.has(key)) found.push({ from: i, to: i + length, phrases: data.synonyms.get(key) });
        else if (data.fillers.has(key) && !(length === 1 && (  // "dang ky" is "đăng ký", not "đang"
          (i > 0 && data.homographs.has(terms[i - 1] + " " + terms[i])) ||
          (i + 1 < terms.length && data.homographs.has(terms[i] + " " + terms[i + 1]))))) {
          found.push({ from: i, to: i + length, filler: true });
        }
      }
      if (!found.length || found[found.length - 1].to > i + 1) found.push({ from: i, to: i + 1 });
      return found;
    }
    // The reading whose units are longest (the sum of their squared lengths; a typed form with a
    // hole counts a word less, and its hole as one: "cap doi so do" is "cấp đổi" + "sổ đỏ", not
    // "cấp [đổi] sổ đỏ"): "bi mat ho chieu" is
    // "bị" + "mất hộ chiếu", not "bị mất" + "hộ" + "chiếu". Ties go to the reading with more words
    // in typed forms ("có" + "căn cước", not the filler "có cần" + "cước"), then to the earlier
    // longer unit.
    var best = new Array(terms.length + 1).fill(0), typedIn = new Array(terms.length + 1).fill(0), choice = [];
    for (var i = terms.length - 1; i >= 0; i--) {
      best[i] = -1;
      unitsAt(i).forEach(function (unit) {
        var length = size(unit), value = (unit.hole >= 0 ? (length - 1) * (length - 1) + 1 : length * length) + best[unit.to];
        var typedWords = (unit.phrases ? length : 0) + typedIn[unit.to];
        if (value > best[i] || (value === best[i] && typedWords > typedIn[i])) {
          best[i] = value; typedIn[i] = typedWords; choice[i] = unit;
        }
      });
    }
    var units = [];
    for (i = 0; i < terms.length; i = choice[i].to) units.push(choice[i]);
    if (units.every(function (u) { return u.filler; })) units.forEach(function (u) { u.filler = false; });
    // A typed form that stands only for variant phrases ("mat" → "cap lai") names the variant; it
    // does not say which procedure. One word for one word ("ba" → "cha", "sanh" → "sinh") is a way
    // of writing the word, not a phrase found. Neither gets the phrase bonus.
    units.forEach(function (u) {
      if (!u.phrases) return;
      u.modifier = u.phrases.every(function (p) { return data.variantSet.has(p.join(" ")); });
      u.word = !u.modifier && size(u) === 1 && u.phrases.every(function (p) { return p.length === 1; });
    });
    return units;
  }

  /* Words typed together without their space ("dangky", "khaisinh", "hochieu", "sodo"): a word
     the catalog does not have, split in two where the halves stand side by side in some name or
     make a synonym's typed form. */
  function unjoin(data, terms) {
    var out = [];
    terms.forEach(function (term) {
      if (term.length >= 4 && !/[0-9]/.test(term) && !has(data, term) && !data.spoken.has(term)) {
        for (var i = 2; i <= term.length - 2; i++) {
          var a = term.slice(0, i), b = term.slice(i);
          if ((data.after.get(a) || new Set()).has(b) || data.synonyms.has(a + " " + b)) { out.push(a, b); return; }
        }
      }
      out.push(term);
    });
    return out;
  }

  /* A word the catalog does not have, typed with Telex or VNI leftovers or one edit away from a
     word of the typed forms, that makes a typed form of two words or more with its neighbours when
     read so ("lam soor do" → "sổ đỏ", "mat bamg lai" → "mất bằng lái"): read so before the typed
     forms are looked for. Any other such word is left to alternatives(), which weighs it less. */
  function retype(data, terms) {
    var out = terms.slice();
    function completes(t, word) {
      var trial = out.slice();
      trial[t] = word;
      for (var from = Math.max(0, t - MAX_PHRASE + 1); from <= t; from++) {
        for (var to = Math.max(t + 1, from + 2); to <= Math.min(trial.length, from + MAX_PHRASE); to++) {
          if (data.synonyms.has(trial.slice(from, to).join(" "))) return true;
        }
      }
      return false;
    }
    terms.forEach(function (term, t) {
      if (term.length < 3 || /[0-9]/.test(term) || has(data, term) || data.spoken.has(term)) return;
      var plain = untelex(term);
      if (plain !== term && completes(t, plain)) { out[t] = plain; return; }
      if (term.length < 4) return;
      var near = data.spokenWords.filter(function (word) { return word.length >= 3 && oneEdit(term, word) && completes(t, word); });
      if (near.length === 1) out[t] = near[0];
    });
    return out;
  }

  /* Procedures for a query, best first, and whether any matches well (docs/search.md, "Ranking"). */
  function search(data, query) {
    var terms = words(query);
    if (!terms.length) return { docs: [], found: false };
    var code = codeOf(query);
    if (code && data.byCode[code] !== undefined) return { docs: [data.docs[data.byCode[code]]], found: true };
    terms = retype(data, unjoin(data, terms));
    // What other bodies handle, in the words people use for it ("giay phep xay dung", "nhan hieu"):
    // not found, rather than procedures that only share its ordinary words.
    // Its words say nothing of which procedure of the catalog is meant; the rest of the query may
    // still name one by a synonym's phrase (below), else the answer is not found.
    // A typed form of the synonyms that holds such a phrase and more is the more specific reading
    // ("xe bị mất trộm" is the vehicle's procedure, "bị mất trộm" alone a crime report).
    var units = understand(data, terms);
    var away = terms.map(function () { return false; });
    var who = terms.map(function () { return false; });  // … of a phrase that names a person (PERSON)
    data.elsewhere.forEach(function (phrase) {
      for (var at = 0; at + phrase.length <= terms.length; at++) {
        if (!startsAt(terms, at, phrase)) continue;
        var end = at + phrase.length;
        if (units.some(function (u) { return u.phrases && u.from <= at && end <= u.to && u.to - u.from > phrase.length; })) continue;
        for (var i = at; i < end; i++) away[i] = true;
        if (PERSON.test(phrase.join(" "))) for (i = at; i < end; i++) who[i] = true;
      }
    });
    var elsewhere = away.some(Boolean);
    var partial = !/\s$/.test(query) && terms[terms.length - 1].length >= 2;
    // A filler word weighs nothing (unless the query has nothing else: understand() then keeps it).
    var weight = terms.map(function () { return 1; });
    var unitOf = terms.map(function () { return -1; });
    units.forEach(function (u, k) {
      var out = false;
      for (var i = u.from; i < u.to; i++) out = out || away[i];
      if (out) { u.phrases = null; u.filler = true; }  // a unit of words for what others handle
      for (i = u.from; i < u.to; i++) if (inUnit(u, i)) { if (u.filler) weight[i] = 0; if (u.phrases) unitOf[i] = k; }
    });
    if (elsewhere && weight.every(function (w) { return !w; })) return { docs: [], found: false };
    // A content word weighs by how rare it is (a word the catalog does not have, by the rarest of
    // the words it may stand for; one without any, as the rarest of all unless it is too short to
    // tell): "khai sinh" tells more than "cap".
    var n = data.docs.length, most = Math.log(1 + n / 0.5);
    var alts = terms.map(function (term, t) { return weight[t] ? alternatives(data, term, partial && t === terms.length - 1) : []; });
    // A word of 3 letters one letter changed from a word of the catalog ("hom" for "hon") is that
    // word only beside a neighbour of the query with which it stands in some name ("ket hom").
    alts = alts.map(function (list, t) {
      return list.filter(function (alt) {
        return !alt[2] || (t > 0 && (data.after.get(terms[t - 1]) || new Set()).has(alt[0])) ||
          (t + 1 < terms.length && (data.before.get(terms[t + 1]) || new Set()).has(alt[0]));
      });
    });
    // A word of the catalog that stands beside no neighbour of the query as it does in the names,
    // while a word one edit away does ("ho chiu" → "ho chieu"), may be that word mistyped.
    terms.forEach(function (term, t) {
      if (!weight[t] || unitOf[t] >= 0 || term.length < 4 || !has(data, term) || /[0-9]/.test(term)) return;
      var around = [t - 1, t + 1].filter(function (u) { return u >= 0 && u < terms.length && weight[u] && unitOf[u] < 0; });
      // The words that stand beside a neighbour in some name: after the word before, before the word after.
      var neighbours = around.map(function (u) { return (u < t ? data.after : data.before).get(terms[u]) || new Set(); });
      if (!around.length || neighbours.some(function (words) { return words.has(term); })) return;
      // The word meant stands beside every neighbour ("quyen nhan luong" is no "quyen nhap").
      var fixed = [];
      neighbours[0].forEach(function (word) {
        if (word.length >= 4 && oneEdit(term, word) && neighbours.every(function (words) { return words.has(word); })) {
          fixed.push([word, TELEX]);
        }
      });
      // The word as typed then counts as little as a typo's match, the word it was meant to be more.
      if (fixed.length) alts[t] = alts[t].map(function (alt) { return [alt[0], Math.min(alt[1], TYPO)]; }).concat(fixed);
    });
    function rarity(term, t) {
      var df = has(data, term) ? frequency(data, term) :
        alts[t].reduce(function (m, alt) { return Math.min(m, frequency(data, alt[0])); }, Infinity);
      return df === Infinity ? (term.length < 3 ? RARE : 1) : Math.max(RARE, Math.log(1 + n / df) / most);
    }
    terms.forEach(function (term, t) { if (weight[t]) weight[t] = rarity(term, t); });
    // A typed form's words weigh together as the words of the phrase it stands for (the heaviest of
    // its phrases), shared out among them: their own rarity in the names says nothing of what they
    // mean ("em", "be" are rare in the names; "sinh em be" is "khai sinh", whose words are not).
    var typed = new Set();  // the positions of the words of typed forms, which weigh as their phrase
    units.forEach(function (u) {
      if (!u.phrases || u.modifier || u.word || !weight[u.from]) return;
      var heaviest = 0;
      u.phrases.forEach(function (phrase) {
        heaviest = Math.max(heaviest, phrase.reduce(function (sum, w) {
          var df = frequency(data, w);
          return sum + (df ? Math.max(RARE, Math.log(1 + n / df) / most) : 1);
        }, 0));
      });
      for (var t = u.from; t < u.to; t++) if (inUnit(u, t)) { weight[t] = heaviest / size(u); typed.add(t); }
    });
    // For the ranking, a word that stands beside no neighbouring content word of the query as it
    // does in some name (anywhere it is in the query) weighs also by how likely it is the names'
    // language, not everyday speech: "ông", "quê", "vợ" are rare in the names but common in speech
    // ("khai tử cho ông ngoại mất ở nhà"); "khai tử", "hộ chiếu" stand so in the names ("hộ",
    // "chiếu", "tử" are common in speech too). Only once the index is complete; not in the decision
    // "found" (below), which the everyday words of a query for what the catalog lacks would
    // otherwise pass ("nuôi yến"), nor in the bonuses' scale.
    function beside(t) {
      return (t > 0 && weight[t - 1] && (data.after.get(terms[t - 1]) || new Set()).has(terms[t])) ||
        (t + 1 < terms.length && weight[t + 1] && (data.before.get(terms[t + 1]) || new Set()).has(terms[t]));
    }
    var ranking = weight.map(function (w, t) {
      if (!w || data.complete || typed.has(t)) return w;
      var named = terms.some(function (other, u) { return other === terms[t] && weight[u] && beside(u); });
      return named ? w : w * topical(data, terms[t]);
    });
    // A purpose clause ("để …" after what is asked for) that names another procedure by a typed
    // form says what the paper is for, not which it is: "xác nhận tình trạng hôn nhân để mua đất"
    // asks for the marriage-status certificate, not a land procedure. Its words weigh less in the
    // ranking. "de" beside a word as in some name ("đề nghị") begins no clause.
    var purpose = terms.findIndex(function (term, t) {
      return term === "de" && unitOf[t] < 0 && t + 1 < terms.length && weight.slice(0, t).some(Boolean) &&
        !(data.after.get(term) || new Set()).has(terms[t + 1]);
    });
    var asideOf = terms.map(function () { return 1; });  // PURPOSE for the words of such a clause or topic
    if (purpose > 0 && units.some(function (u) { return u.phrases && !u.modifier && u.from > purpose; })) {
      for (var later = purpose; later < terms.length; later++) asideOf[later] = PURPOSE;
    }
    // So does a topic before "thì" when the comment after it names a procedure by a typed form:
    // "mua nhà xong rồi thì làm thủ tục chuyển hộ khẩu" asks about the residence, not the house.
    // "thi" beside a word as in some name ("thi hành án", "dự thi") is no "thì".
    // A word that stands beside its neighbour of the query as in some name ("thi hành", "rời xa").
    function joined(t) {
      return (t + 1 < terms.length && (data.after.get(terms[t]) || new Set()).has(terms[t + 1])) ||
        (t > 0 && (data.before.get(terms[t]) || new Set()).has(terms[t - 1]));
    }
    var then = terms.findIndex(function (term, t) {
      return term === "thi" && unitOf[t] < 0 && t > 0 && t + 1 < terms.length && !joined(t);
    });
    var topic = then > 0 && weight.slice(0, then).some(Boolean) ? then : -1;
    if (topic > 0 && units.some(function (u) { return u.phrases && !u.modifier && u.from > topic; })) {
      for (var early = 0; early < topic; early++) asideOf[early] = PURPOSE;
    }
    ranking = ranking.map(function (w, t) { return w * asideOf[t]; });
    // The words of what other bodies handle each weigh as the rarest word.
    var awayWeight = away.filter(Boolean).length;
    // … and a synonym's phrase found outweighs them only with one such word's weight per phrase of
    // theirs ("chủ nhà trọ giữ tiền cọc": "nhà trọ" is "tạm trú", but weighs less than "giữ tiền cọc").
    var awayRuns = away.filter(function (a, t) { return a && !away[t - 1]; }).length;
    var content = weight.reduce(function (a, b) { return a + b; }, 0) || 1;
    var rankContent = ranking.reduce(function (a, b) { return a + b; }, 0) || 1;
    // The bonuses below are for a word of average weight in this query.
    var contentWords = weight.filter(Boolean).length;
    var scale = content / (contentWords || 1);
    var quality = terms.map(function () { return new Float32Array(n); });  // per word, per procedure
    var inNames = terms.map(function () { return new Float32Array(n); });  // found in the name: 1, by a typo: ½
    var touched = new Uint8Array(n);
    var candidates = [];
    terms.forEach(function (term, t) {
      alts[t].forEach(function (alt) {
        var inName = alt[1] > TYPO ? 1 : 0.5;
        each(data, alt[0], function (position, where) {
          var doc = data.docs[position], q;
          // The head of a name says what the procedure is: a long name's later words count less.
          if (where === 3) q = IN_NAME * (doc.fit === 1 || doc.words.indexOf(alt[0]) < LONG ? 1 : doc.fit) * alt[1];
          else q = (where === 2 ? IN_EXTRA : IN_BODY) * alt[1];
          if (q > quality[t][position]) quality[t][position] = q;
          if (where === 3 && inName > inNames[t][position]) inNames[t][position] = inName;
          if (!touched[position]) { touched[position] = 1; candidates.push(position); }
        });
      });
    });
    // Synonyms: a typed form's phrase in the name (or all its words in name and keywords) stands
    // for the words typed, and a phrase in the name counts extra.
    var phraseBonus = new Float32Array(n);
    units.forEach(function (u) {
      if (!u.phrases) return;
      var aside = asideOf[u.from];  // a clause's or topic's typed form: its bonus weighs as its words
      u.phrases.forEach(function (phrase) {
        var lists = phrase.map(function (w) { return data.postings.get(w) || []; });
        var shortest = lists.reduce(function (a, b) { return b.length < a.length ? b : a; });
        shortest.forEach(function (key) {
          var position = key >> 2, doc = data.docs[position];
          var q = 0;
          var at = findAt(doc.words, phrase);
          if (at >= 0) {
            // A phrase found is found; in a long name's later words, less (as a word there).
            var fit = doc.fit === 1 || at < LONG ? 1 : doc.fit;
            q = IN_NAME * fit;
            if (!u.modifier && !u.word) phraseBonus[position] = Math.max(phraseBonus[position], aside * scale * (PHRASE * size(u) + LONGER * phrase.length));
          }
          else if (phrase.every(function (w) { return doc.words.indexOf(w) >= 0 || (doc.k && (" " + doc.k + " ").indexOf(" " + w + " ") >= 0); })) q = IN_EXTRA;
          if (!q) return;
          for (var t = u.from; t < u.to; t++) {
            if (!inUnit(u, t)) continue;
            if (q > quality[t][position]) quality[t][position] = q;
            if (at >= 0) inNames[t][position] = 1;
          }
          if (!touched[position]) { touched[position] = 1; candidates.push(position); }
        });
      });
    });
    // The most neighbouring content words of the query that stand so in ``names``.
    function typedRun(names) {
      var best = 0;
      for (var a = 0; a < terms.length; a++) {
        for (var b = a + 1; b <= terms.length && weight[b - 1] && contains(names, terms.slice(a, b)); b++) best = Math.max(best, b - a);
      }
      return best;
    }
    // The words that may name a variant: not a filler's ("bao lâu" is no "trình báo"), nor those of
    // a synonym for a thing ("bang lai", "con lai": "lai" is no "cấp lại"), but those of one for a
    // variant ("mat", and its "cap lai").
    var asked = new Set();
    terms.forEach(function (term, t) {
      var unit = unitOf[t] < 0 ? null : units[unitOf[t]];
      if (!unit && !weight[t]) return;  // a filler ("bao lâu": no "trình báo") or other bodies' word
      if (!unit || unit.modifier || unit.word) asked.add(term);
      if (unit && unit.modifier) unit.phrases.forEach(function (p) { p.forEach(function (w) { asked.add(w); }); });
    });
    // What may name a special case: not a word of the least weight, nor one in a quarter of the
    // names or more ("có", which folds like "cơ" of "cơ quan", "cơ sở": "con sinh được 2 tháng chưa
    // làm khai sinh có bị phạt không" is no "khai sinh có yếu tố nước ngoài").
    var naming = new Set(terms.filter(function (term, t) {
      return weight[t] > RARE && !(has(data, term) && frequency(data, term) * COMMON >= n);
    }));
    units.forEach(function (u) {
      if (u.phrases && !u.modifier && !u.word) u.phrases.forEach(function (p) { p.forEach(function (w) { naming.add(w); }); });
    });
    var lead = terms.filter(function (_, t) { return weight[t] > 0; });  // the content words, in order
    var ranked = candidates.map(function (position) {
      var doc = data.docs[position];
      var score = phraseBonus[position], covered = 0, inName = 0, nameCovered = 0, nameRank = 0;
      var unnamed = doc.tail && !doc.tail.some(function (w) { return naming.has(w); }) ? doc.tail : [];
      for (var t = 0; t < terms.length; t++) {
        var q = quality[t][position];
        score += ranking[t] * q;
        if (q > 0) covered += ranking[t] * (q >= IN_EXTRA * TYPO ? 1 : 0.5);
        nameCovered += weight[t] * inNames[t][position];
        nameRank += ranking[t] * inNames[t][position];
        if (q >= IN_NAME * 0.75 * TYPO && weight[t]) inName++;
        if (t > 0 && q > 0 && quality[t - 1][position] > 0 && weight[t] && weight[t - 1] &&
            (unitOf[t] < 0 || unitOf[t] !== unitOf[t - 1]) && unnamed.indexOf(terms[t]) < 0 && unnamed.indexOf(terms[t - 1]) < 0 &&
            contains(doc.words, [terms[t - 1], terms[t]])) score += scale * PAIR;
      }
      score += scale * SHORT * Math.min(1, inName / (doc.core || 1));
      // A name that begins with the query's first content words, in order, is what was asked.
      var from = doc.words[0] === "thu" && doc.words[1] === "tuc" ? 2 : 0, k = 0;
      while (k < lead.length && doc.words[from + k] === lead[k]) k++;
      if (k >= 2) score += scale * START * Math.min(k, 3);
      (doc.v || []).forEach(function (v) {
        var said = data.variants[v].some(function (w) { return asked.has(w) && !NEUTRAL.has(w); });
        if (!said) score -= scale * VARIANT;
      });
      // So does a special case whose words the query does not name (a word of the least weight,
      // such as "có", names nothing; a typed form names its phrases' words).
      if (doc.tail && !doc.tail.some(function (w) { return naming.has(w); })) score -= scale * VARIANT;
      return { doc: doc, score: score, covered: covered / rankContent, named: nameCovered / content, told: nameRank / rankContent, phrased: phraseBonus[position] > 0 };
    });
    ranked.sort(function (a, b) {
      return b.score - a.score || a.doc.core - b.doc.core || a.doc.words.length - b.doc.words.length;
    });
    // Found when some procedure has, in its name, words that carry enough of the query's content,
    // or a phrase that a synonym of the query stands for, or RUN content words of the query as they
    // were typed (the query was understood).
    var named = ranked.reduce(function (m, r) { return Math.max(m, r.named); }, 0);
    var phrased = ranked.some(function (r) { return r.phrased; });
    if (elsewhere && !(phrased && content >= awayRuns) && !(named >= FOUND && content >= awayWeight)) return { docs: [], found: false };
    // A question that begins with what other bodies handle asks for that: the rest says for whom
    // or where ("học bổng cho con nhà khó khăn", "giấy phép lao động cho chồng người Đức") — unless
    // it is the topic before "thì", and the question comes after ("cho mượn tiền không trả, muốn
    // kiện thì nộp đơn ở đâu": the comment holds words of its own, not only other bodies' or a
    // variant's), or it came first ("cất nhà rồi đưa nhà vào sổ"), or it says who asks (PERSON),
    // or the rest names the procedure ranked first by two of its words side by side ("đi xklđ hàn
    // quốc cần làm lý lịch tư pháp", "tai nạn giao thông chết đăng ký khai tử").
    var first = terms.findIndex(function (_, t) { return away[t] || weight[t] > 0; });
    if (first >= 0 && away[first] && !who[first]) {
      var namesRest = ranked.length > 0 && typedRun(ranked[0].doc.words) >= 2;
      var comment = then > first && weight.some(function (w, t) {
        return t > then && w > 0 && !(unitOf[t] >= 0 && units[unitOf[t]].modifier);
      });
      var after = terms.findIndex(function (term, t) {  // "rồi", "xong": what comes after it is asked
        return t > first && t + 1 < terms.length && (term === "roi" || term === "xong") && unitOf[t] < 0 && !joined(t);
      });
      if (!namesRest && !comment && after < 0) return { docs: [], found: false };
    }
    // A question told as a story ("bố tôi là thương binh … thì xin trợ cấp ở đâu") has many words
    // the names do not: it is found when the procedure ranked first has what FOUND asks of a question
    // of QUESTION words, and two of the query's words side by side as in its name. Its words weigh
    // here as for the ranking (the everyday factor): a story's everyday words ("tháng", "chưa",
    // "nhỏ") say little of what it is about, and should not outweigh the names' words it has.
    // A shorter question is found so too when that share is TOLD and the rarity share TOLD_NAMED
    // ("làm khai sinh cho người đã lớn tuổi": "lớn", "tuổi" are rare in the names, common in speech),
    // but not when its everyday words are all that is left of it ("đăng ký nuôi yến").
    var told = ranked.length > 0 && typedRun(ranked[0].doc.words) >= 2 && (contentWords > QUESTION ?
      ranked[0].told >= FOUND * QUESTION / contentWords : ranked[0].told >= TOLD && ranked[0].named >= TOLD_NAMED);
    if (named < FOUND && !phrased && !told && !ranked.slice(0, 20).some(function (r) { return typedRun(r.doc.words) >= RUN; })) {
      return { docs: [], found: false };
    }
    // The results: those matching enough of the query, best first.
    return {
      docs: ranked.filter(function (r) { return r.covered >= LIST || r.phrased; }).map(function (r) { return r.doc; }),
      found: true,
    };
  }

  var engine = { fold: fold, foldMany: foldMany, tokens: words, prepare: prepare, search: search, codeOf: codeOf,
    FORMAT: FORMAT };
  if (typeof document === "undefined") {  // node: tests and the evaluation run the engine alone
    if (typeof module === "object" && module.exports) module.exports = engine;
    return;
  }

  /* ---- the page ----------------------------------------------------------------------------- */

  var root = document.querySelector("[data-tthc-search]");
  if (!root || !window.fetch || !String.prototype.normalize) return;

  var PAGE_SIZE = 10;
  var base = new URL(root.getAttribute("data-base").replace(/\/?$/, "/"), window.location.href);
  var form = root.querySelector("form");
  var input = root.querySelector("input[type=search]");
  var panel = root.querySelector(".tthc-searchbar__panel");

  function escape(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  /* ---- loading ------------------------------------------------------------------------------ */

  var data = null;
  var loading = null;
  var resting = null;

  function fetchJSON(path) {
    return fetch(new URL(path, base).href).then(function (response) {
      if (!response.ok) throw new Error(path + ": HTTP " + response.status);
      return response.json();
    });
  }

  function load() {
    if (!loading) {
      loading = fetchJSON("search/procedures.json").then(function (payload) {
        // The names and codes first: the first results show sooner; the rest of the index
        // (search/rest.json) follows once they are shown (completed(), below), and the query is
        // answered again.
        data = prepare(payload, true);
        return data;
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  /* The whole index: fetch the rest of it and complete it, once (the API below answers on it alone). */
  function completed() {
    if (!resting) {
      resting = load().then(function () { return fetchJSON("search/rest.json"); }).then(function (rest) {
        if (data.complete) {
          data.complete(rest);
          state.query = "";  // forget the answer given on the names alone
        }
        return data;
      });
      resting.catch(function () { resting = null; });
    }
    return resting;
  }

  /* ---- searching ---------------------------------------------------------------------------- */

  function wordMatches(word, term, prefix) {
    return word === term || (prefix && word.lastIndexOf(term, 0) === 0);
  }

  function searchPages(query) {
    var terms = fold(query).split(" ").filter(Boolean);
    var partial = !/\s$/.test(query);
    if (!terms.length) return [];
    return data.pages.filter(function (page) {
      return terms.every(function (term, i) {
        var prefix = partial && i === terms.length - 1;
        return page.words.some(function (word) { return wordMatches(word, term, prefix); });
      });
    }).sort(function (a, b) { return a.words.length - b.words.length; }).slice(0, 5);
  }

  /* ---- showing ------------------------------------------------------------------------------ */

  var state = { query: "", results: [], shown: PAGE_SIZE, filters: { s: "", l: "", o: "", i: false } };

  panel.innerHTML =
    '<p class="tthc-searchbar__status" role="status" aria-live="polite"></p>' +
    '<div class="tthc-searchbar__body">' +
    '<details class="tthc-filterbox" hidden><summary>Lọc kết quả</summary>' +
    '<div class="tthc-filters" role="group" aria-label="Lọc kết quả">' +
    '<label>Lĩnh vực <select data-filter="s"></select></label>' +
    '<label>Cấp thực hiện <select data-filter="l"></select></label>' +
    '<label>Trực tuyến <select data-filter="o"></select></label>' +
    '<label class="tthc-filters__check"><input type="checkbox" data-filter="i"> Nộp ở đâu cũng được trong tỉnh</label>' +
    "</div></details>" +
    '<div class="tthc-searchbar__results">' +
    '<ol class="tthc-results" aria-label="Thủ tục tìm thấy"></ol>' +
    '<button type="button" class="tthc-more" hidden></button>' +
    '<div class="tthc-otherpages" hidden><p class="tthc-searchbar__label" id="tthc-pages-label">Trang khác</p>' +
    '<ul class="tthc-pages" aria-labelledby="tthc-pages-label"></ul></div>' +
    "</div></div>";
  var status = panel.querySelector(".tthc-searchbar__status");
  var filterBox = panel.querySelector(".tthc-filterbox");
  // Beside the results on a wide screen; folded above them on a phone, where the results come first.
  filterBox.open = window.matchMedia("(min-width: 60em)").matches;
  var list = panel.querySelector(".tthc-results");
  var more = panel.querySelector(".tthc-more");
  var otherPages = panel.querySelector(".tthc-otherpages");
  var selects = {
    s: panel.querySelector("select[data-filter=s]"),
    l: panel.querySelector("select[data-filter=l]"),
    o: panel.querySelector("select[data-filter=o]"),
  };
  var independentBox = panel.querySelector("input[data-filter=i]");

  function passes(doc, filters, skip) {
    return (skip === "s" || filters.s === "" || doc.s === +filters.s) &&
      (skip === "l" || filters.l === "" || doc.l.indexOf(+filters.l) >= 0) &&
      (skip === "o" || filters.o === "" || doc.o === +filters.o) &&
      (skip === "i" || !filters.i || doc.i === 1);
  }

  /* Each filter offers the values present among the results that pass the other filters. */
  function fillSelect(name, all, names, valuesOf) {
    var counts = Object.create(null);
    state.results.forEach(function (doc) {
      if (!passes(doc, state.filters, name)) return;
      valuesOf(doc).forEach(function (value) { counts[value] = (counts[value] || 0) + 1; });
    });
    var current = state.filters[name];
    var options = Object.keys(counts).map(Number).sort(function (a, b) {
      return name === "s" ? names[a].localeCompare(names[b], "vi") : a - b;
    });
    if (current !== "" && options.indexOf(+current) < 0) options.push(+current);
    selects[name].innerHTML = '<option value="">' + escape(all) + "</option>" + options.map(function (value) {
      return '<option value="' + value + '"' + (String(value) === current ? " selected" : "") + ">" +
        escape(names[value]) + " (" + (counts[value] || 0) + ")</option>";
    }).join("");
  }

  function resultItem(doc) {
    var url = new URL("thu-tuc/" + doc.c + "/", base).href;
    var levels = doc.l.map(function (level) { return data.levels[level]; }).join(", ");
    var badges = "";
    if (doc.o > 0) {
      badges += '<span class="tthc-badge tthc-badge--online-' + (doc.o === 2 ? "full" : "partial") + '">' +
        escape(data.online[doc.o]) + "</span>";
    }
    if (doc.i === 1) badges += '<span class="tthc-badge tthc-badge--independent">Nộp ở đâu cũng được trong tỉnh</span>';
    var note = doc.x === 1 ? " (tạm dừng)" : doc.x === 3 ? " (dự thảo)" : "";
    return '<li class="tthc-result"><a class="tthc-result__link" href="' + escape(url) + '">' +
      '<span class="tthc-result__name">' + escape(doc.n) + escape(note) + "</span>" +
      '<span class="tthc-result__meta"><code>' + escape(doc.c) + "</code> · " + escape(levels) + "</span>" +
      (badges ? '<span class="tthc-result__badges">' + badges + "</span>" : "") + "</a></li>";
  }

  /* No procedure matches the query well: say so, and offer the ways on. */
  function notFound(query) {
    function link(url, text) { return '<a href="' + escape(url) + '">' + escape(text) + "</a>"; }
    var events = data.links.events ? link(new URL(data.links.events, base).href, "các sự kiện trong đời") :
      link(base.href, "trang chủ");
    return "Không tìm thấy thủ tục nào phù hợp với “" + escape(query.trim()) + "”. " +
      "Hãy thử gõ cách khác, ít từ hơn, hoặc tra theo " + link(new URL("linh-vuc/", base).href, "lĩnh vực") +
      ", theo " + link(new URL("co-quan/", base).href, "cơ quan thực hiện") + ", xem " + events +
      "; thủ tục do cơ quan trung ương giải quyết có thể tìm trên " +
      link(data.links.national, "Cổng Dịch vụ công quốc gia") + ".";
  }

  function render() {
    var query = state.query;
    panel.hidden = !query.trim();
    if (panel.hidden) return;
    var shown = state.results.filter(function (doc) { return passes(doc, state.filters); });
    var filtered = shown.length !== state.results.length;
    filterBox.hidden = state.results.length === 0;
    fillSelect("s", "Tất cả lĩnh vực", data.sectors, function (doc) { return [doc.s]; });
    fillSelect("l", "Tất cả các cấp", data.levels, function (doc) { return doc.l; });
    fillSelect("o", "Tất cả", data.online, function (doc) { return [doc.o]; });
    independentBox.checked = state.filters.i;
    list.innerHTML = shown.slice(0, state.shown).map(resultItem).join("");
    var rest = shown.length - state.shown;
    more.hidden = rest <= 0;
    more.textContent = "Xem thêm " + Math.min(rest, PAGE_SIZE) + " thủ tục";
    var pages = searchPages(query);
    otherPages.hidden = pages.length === 0;
    otherPages.querySelector("ul").innerHTML = pages.map(function (page) {
      return '<li><a href="' + escape(new URL(page.url, base).href) + '">' + escape(page.title) + "</a></li>";
    }).join("");
    // What the panel shows: data-shown at once, data-query once on the whole index (tests wait for it).
    panel.setAttribute("data-shown", query);
    if (!data.complete) panel.setAttribute("data-query", query);
    if (shown.length) {
      status.textContent = "Tìm thấy " + shown.length + " thủ tục" + (filtered ? " (đã lọc)" : "") + ".";
    } else if (state.results.length) {
      status.textContent = "Không có thủ tục nào qua bộ lọc đã chọn; bỏ bớt bộ lọc để xem " +
        state.results.length + " thủ tục tìm thấy.";
    } else {
      status.innerHTML = notFound(query);
    }
  }

  function run() {
    var query = input.value;
    if (!query.trim()) {
      state.query = "";
      state.results = [];
      render();
      return;
    }
    if (!data) {
      panel.hidden = false;
      status.textContent = "Đang tải dữ liệu tìm kiếm…";
      load().then(run, function () {
        status.textContent = "Không tải được dữ liệu tìm kiếm. Hãy tra cứu theo lĩnh vực hoặc cơ quan.";
      });
      return;
    }
    if (query !== state.query) {
      state.query = query;
      state.results = search(data, query).docs;
      state.shown = PAGE_SIZE;
    }
    render();
    if (data.complete) {
      completed().then(run, function () {});  // answered again, on the whole index
    }
  }

  function goToCode(query, replace) {
    var code = codeOf(query);
    if (!code || !data || data.byCode[code] === undefined) return false;
    var url = new URL("thu-tuc/" + code + "/", base).href;
    if (replace) window.location.replace(url); else window.location.assign(url);
    return true;
  }

  /* ---- events ------------------------------------------------------------------------------- */

  var timer = 0;
  input.addEventListener("focus", function () { load().catch(function () {}); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, data ? 30 : 0);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    completed().then(function () {  // the whole index: a re-render would take the focus from the first result
      if (!goToCode(input.value, false)) {
        run();
        var first = list.querySelector("a");
        if (first && !panel.hidden) first.focus();
      }
    }, function () { form.submit(); });
  });
  Object.keys(selects).forEach(function (name) {
    selects[name].addEventListener("change", function () {
      state.filters[name] = selects[name].value;
      state.shown = PAGE_SIZE;
      render();
    });
  });
  independentBox.addEventListener("change", function () {
    state.filters.i = independentBox.checked;
    state.shown = PAGE_SIZE;
    render();
  });
  more.addEventListener("click", function () {
    var next = list.children.length;
    state.shown += PAGE_SIZE;
    render();
    var link = list.children[next] && list.children[next].querySelector("a");
    if (link) link.focus();
  });
  /* Arrow keys move between the box and the result links; Escape goes back to the box. */
  root.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(panel.querySelectorAll(".tthc-searchbar__results a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && (document.activeElement === input || at >= 0) && links.length) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus(); else links[at - 1].focus();
    } else if (event.key === "Escape" && document.activeElement !== input) {
      input.focus();
    } else if (event.key === "Escape" && input.value) {
      input.value = "";
      run();
    }
  });

  /* tim-kiem/?q=…: the page the form opens without JavaScript; with it, show the results here. */
  var params = new URLSearchParams(window.location.search);
  if (params.get("q") && new URL(form.getAttribute("action"), window.location.href).pathname === window.location.pathname) {
    input.value = params.get("q");
    completed().then(function () { if (!goToCode(input.value, true)) run(); }, function () {});
  }

  window.tthcSearch = {
    fold: fold,
    tokens: words,
    foldMany: foldMany,
    ready: completed,
    search: function (query) { return completed().then(function () { return search(data, query).docs; }); },
    answer: function (query) {
      return completed().then(function () {
        var result = search(data, query);
        return { codes: result.docs.slice(0, 10).map(function (d) { return d.c; }), found: result.found };
      });
    },
  };
})();
