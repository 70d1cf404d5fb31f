/* The procedure search of the header search box (site_overrides/main.html; docs/search.md).
 *
 * On first use (focus or typing) it loads lunr.js and search/procedures.json, the lunr index the
 * build wrote (generator/site/search.py), and shows results under the box as one types: procedures
 * (name, code, level, online badge) with filters, then the site's other pages. Query text is folded
 * exactly as the index was: fold() here is generator.site.search.fold. A code ("1.001193",
 * "1001193") submitted goes straight to its procedure. Without JavaScript the form opens tim-kiem/.
 * Plain ES2017, no build step, nothing from another site.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-tthc-search]");
  if (!root || !window.fetch || !String.prototype.normalize) return;

  var FORMAT = 1;
  var PAGE_SIZE = 10;
  var MAX_JOINED = 4;  // MAX_JOINED in search.py
  var CODE = /^([0-9])\.?([0-9]{6})$/;
  var base = new URL(root.getAttribute("data-base").replace(/\/?$/, "/"), window.location.href);
  var form = root.querySelector("form");
  var input = root.querySelector("input[type=search]");
  var panel = root.querySelector(".tthc-searchbar__panel");

  /* Lower case, NFC, diacritics dropped, đ → d, the dot inside a code dropped, punctuation → space. */
  function fold(text) {
    return String(text).normalize("NFC").toLowerCase().replace(/đ/g, "d").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").replace(/([0-9])\.(?=[0-9])/g, "$1")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  function escape(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  /* ---- loading ------------------------------------------------------------------------------ */

  var data = null;
  var loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.lunr) { resolve(); return; }
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(script);
    });
  }

  function load() {
    if (!loading) {
      loading = Promise.all([
        loadScript(new URL("assets/lunr.js", base).href),
        fetch(new URL("search/procedures.json", base).href).then(function (response) {
          if (!response.ok) throw new Error("search/procedures.json: HTTP " + response.status);
          return response.json();
        }),
      ]).then(function (results) {
        data = prepare(results[1]);
        return data;
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  /* lunr's document vectors are derived data, left out of the file: recompute them as
     lunr.Builder#createFieldVectors does, with each field's own b (field_vectors() in search.py is
     the same computation). Every term frequency is 1; a field's length is its number of postings. */
  function rebuildVectors(serialised) {
    var rebuild = serialised.rebuild;
    var terms = Object.create(null);
    var totals = Object.create(null);
    serialised.invertedIndex.forEach(function (entry) {
      var posting = entry[1];
      var idf = window.lunr.idf(posting, rebuild.documents);
      serialised.fields.forEach(function (field) {
        Object.keys(posting[field]).forEach(function (ref) {
          var key = field + "/" + ref;
          (terms[key] || (terms[key] = [])).push(posting._index, idf);
          totals[field] = (totals[field] || 0) + 1;
        });
      });
    });
    return Object.keys(terms).map(function (key) {
      var field = key.slice(0, key.indexOf("/"));
      var pairs = terms[key];
      var b = rebuild.b[field];
      var norm = rebuild.k1 * (1 - b + b * (pairs.length / 2 / (totals[field] / rebuild.documents))) + 1;
      var vector = new window.lunr.Vector();
      for (var i = 0; i < pairs.length; i += 2) {
        var score = pairs[i + 1] * (rebuild.k1 + 1) / norm * rebuild.boosts[field];
        vector.insert(pairs[i], Math.round(score * 1000) / 1000);
      }
      return [key, vector.toJSON()];
    });
  }

  function prepare(payload) {
    if (payload.format !== FORMAT) throw new Error("search/procedures.json: unknown format");
    payload.index.fieldVectors = rebuildVectors(payload.index);
    var docs = payload.docs.map(function (doc) {
      doc.words = fold(doc.n).split(" ");
      return doc;
    });
    var byCode = Object.create(null);
    docs.forEach(function (doc, position) { byCode[doc.c] = position; });
    return {
      index: window.lunr.Index.load(payload.index),
      docs: docs,
      byCode: byCode,
      sectors: payload.sectors,
      levels: payload.levels,
      online: payload.online,
      pages: payload.pages.map(function (page) {
        return { title: page[0], url: page[1], words: fold(page[0]).split(" ") };
      }),
    };
  }

  /* ---- searching ---------------------------------------------------------------------------- */

  function codeOf(query) {
    var match = CODE.exec(query.trim());
    return match ? match[1] + "." + match[2] : null;
  }

  function wordMatches(word, term, prefix) {
    return word === term || (prefix && word.lastIndexOf(term, 0) === 0);
  }

  /* How many neighbouring query terms stand side by side in the name. */
  function phrasePairs(words, terms, partial) {
    var pairs = 0;
    for (var i = 0; i + 1 < terms.length; i++) {
      var prefix = partial && i + 2 === terms.length;
      for (var j = 0; j + 1 < words.length; j++) {
        if (words[j] === terms[i] && wordMatches(words[j + 1], terms[i + 1], prefix)) { pairs++; break; }
      }
    }
    return pairs;
  }

  /* Neighbouring query words joined, as multi-word synonyms are indexed ("bao tu" → "baotu"). */
  function joinedGrams(terms) {
    var grams = [];
    for (var from = 0; from < terms.length; from++) {
      for (var to = from + 1; to < terms.length && to - from < MAX_JOINED; to++) {
        grams.push({ key: terms.slice(from, to + 1).join(""), from: from, to: to });
      }
    }
    return grams;
  }

  /* Procedures for a query, best first: those matching more of the query's words; then more of
     them in the name, keywords or code (not only in the sector, agency or results); then more of
     them side by side as typed (in the name, or a synonym phrase); then lunr's score (name boosted
     most, whole words above prefixes); then the shorter name. The last word may be unfinished, so
     it also matches as a prefix. */
  function searchProcedures(query) {
    var terms = fold(query).split(" ").filter(Boolean);
    if (!terms.length) return [];
    var last = terms.length - 1;
    var partial = !/\s$/.test(query) && terms[last].length >= 2;
    var grams = joinedGrams(terms);
    var lunr = window.lunr;
    var hits = data.index.query(function (q) {
      terms.forEach(function (term, i) {
        q.term(term, { usePipeline: false, boost: 10 });
        if (i === last && partial) {
          q.term(term, { usePipeline: false, boost: 1, wildcard: lunr.Query.wildcard.TRAILING });
        }
      });
      grams.forEach(function (gram) {
        q.term(gram.key, { usePipeline: false, boost: 10 * (gram.to - gram.from + 1) });
      });
    });
    var ranked = hits.map(function (hit) {
      var doc = data.docs[+hit.ref];
      var metadata = hit.matchData.metadata;
      var level = terms.map(function () { return 0; });  // 0 unmatched, 1 in the body, 2 elsewhere
      var pairs = phrasePairs(doc.words, terms, partial);
      Object.keys(metadata).forEach(function (key) {
        var fields = metadata[key];
        var strong = fields.n || fields.k || fields.c ? 2 : 1;
        terms.forEach(function (term, i) {
          if (wordMatches(key, term, i === last && partial)) level[i] = Math.max(level[i], strong);
        });
        grams.forEach(function (gram) {
          if (key !== gram.key) return;
          for (var i = gram.from; i <= gram.to; i++) level[i] = 2;
          pairs += gram.to - gram.from;
        });
      });
      return {
        doc: doc,
        covered: level.filter(function (l) { return l > 0; }).length,
        strong: level.filter(function (l) { return l === 2; }).length,
        pairs: pairs,
        score: hit.score,
      };
    });
    ranked.sort(function (a, b) {
      return b.covered - a.covered || b.strong - a.strong || b.pairs - a.pairs || b.score - a.score ||
        a.doc.words.length - b.doc.words.length;
    });
    // Where some procedures have every word, those are the results; else the nearest ones.
    if (ranked.length && ranked[0].covered === terms.length) {
      ranked = ranked.filter(function (r) { return r.covered === terms.length; });
    }
    return ranked.map(function (r) { return r.doc; });
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
    panel.setAttribute("data-query", query);  // what the panel shows (tests wait for it)
    if (shown.length) {
      status.textContent = "Tìm thấy " + shown.length + " thủ tục" + (filtered ? " (đã lọc)" : "") + ".";
    } else if (state.results.length) {
      status.textContent = "Không có thủ tục nào qua bộ lọc đã chọn; bỏ bớt bộ lọc để xem " +
        state.results.length + " thủ tục tìm thấy.";
    } else {
      status.innerHTML = "Không tìm thấy thủ tục nào. Thử gõ ít từ hơn, hoặc tra theo " +
        '<a href="' + escape(new URL("linh-vuc/", base).href) + '">lĩnh vực</a>, theo ' +
        '<a href="' + escape(new URL("co-quan/", base).href) + '">cơ quan</a>.';
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
      state.results = searchProcedures(query);
      state.shown = PAGE_SIZE;
    }
    render();
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
    load().then(function () {
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
    load().then(function () { if (!goToCode(input.value, true)) run(); }, function () {});
  }

  window.tthcSearch = {
    fold: fold,
    ready: load,
    search: function (query) { return load().then(function () { return searchProcedures(query); }); },
    index: function () { return data && data.index; },
  };
})();
