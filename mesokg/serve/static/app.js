/* The query page of `mesokg serve`: saved queries with parameter forms, results as a table or a
   network, and YASGUI for free SPARQL. It talks to this server only (the page's
   Content-Security-Policy forbids anything else). */
(function () {
  "use strict";

  var settings = JSON.parse(document.getElementById("settings").textContent);
  var prefixes = settings.prefixes;
  var catalogue = [];
  var current = null; // the saved query shown
  var yasgui = null;
  var cytoscapeLoading = null;

  // ------------------------------------------------------------------ helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (k === "class") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function shorten(iri) {
    var best = null;
    Object.keys(prefixes).forEach(function (p) {
      var ns = prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > prefixes[best].length)) { best = p; }
    });
    if (best) {
      var local = iri.slice(prefixes[best].length);
      if (/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(local)) { return best + ":" + local; }
    }
    return "<" + iri + ">";
  }

  function cellText(term) {
    if (!term) { return ""; }
    if (term.type === "uri") { return shorten(term.value); }
    if (term.type === "bnode") { return "_:" + term.value; }
    return term.value;
  }

  function isNumber(term) {
    return term && term.datatype && /#(integer|decimal|double|float|int|long)$/.test(term.datatype);
  }

  // ------------------------------------------------------------------ tabs
  function showTab(name) {
    ["saved", "editor"].forEach(function (t) {
      document.getElementById("tab-" + t).setAttribute("aria-selected", String(t === name));
      document.getElementById("panel-" + t).hidden = t !== name;
    });
    if (name === "editor") { initYasgui(); }
  }

  // ------------------------------------------------------------------ YASGUI
  function initYasgui() {
    if (yasgui) {
      var tab = yasgui.getTab();
      if (tab && tab.getYasqe()) { tab.getYasqe().refresh(); }
      return yasgui;
    }
    var Y = window.Yasgui;
    var endpoint = window.location.origin + settings.endpoint;
    var prefixList = Object.keys(prefixes).map(function (p) { return p + ": <" + prefixes[p] + ">"; }).sort();
    // Prefix completion from mesokg's own list; no completer that asks another server
    Y.Yasqe.forkAutocompleter("prefixes", {
      name: "mesokgPrefixes",
      get: function () { return Promise.resolve(prefixList); },
      persistenceId: null
    }, false);
    Y.Yasqe.defaults.autocompleters = ["mesokgPrefixes", "variables"];
    Y.Yasqe.defaults.prefixCcApi = null;
    Y.Yasqe.defaults.value = settings.defaultQuery;
    yasgui = new Y(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      corsProxy: undefined,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
      yasr: { prefixes: prefixes },
      persistenceId: "mesokg"
    });
    return yasgui;
  }

  function openInEditor(text) {
    showTab("editor");
    var tab = initYasgui().getTab();
    tab.setQuery(text);
    tab.getYasqe().refresh();
  }

  // ------------------------------------------------------------------ saved queries
  function renderList(filter) {
    var list = document.getElementById("query-list");
    list.textContent = "";
    var f = (filter || "").toLowerCase();
    catalogue.forEach(function (q) {
      var hay = (q.name + " " + q.title + " " + q.description + " " + q.keywords.join(" ")).toLowerCase();
      if (f && hay.indexOf(f) < 0) { return; }
      var b = el("button", { type: "button", "data-query": q.name, title: q.description },
        [document.createTextNode(q.title), el("span", { class: "qname", text: q.name })]);
      if (current && current.name === q.name) { b.setAttribute("aria-current", "true"); }
      b.addEventListener("click", function () { showQuery(q); });
      list.appendChild(el("li", {}, [b]));
    });
  }

  function paramInput(p) {
    var id = "param-" + p.name;
    var input;
    if (p.type === "enum") {
      input = el("select", { id: id, name: p.name });
      if (p.default === null) { input.appendChild(el("option", { value: "", text: "(any)" })); }
      p.allowed.forEach(function (a) {
        var o = el("option", { value: a, text: a });
        if (a === p.default) { o.selected = true; }
        input.appendChild(o);
      });
    } else {
      var placeholder = { iri: "short id, CURIE or IRI", string: "text", integer: "a whole number", decimal: "a number" }[p.type];
      input = el("input", { id: id, name: p.name, type: "text", placeholder: p.default !== null ? p.default : placeholder });
      if (p.type === "integer") { input.setAttribute("inputmode", "numeric"); }
    }
    return [el("label", { for: id, text: p.name }), input, el("span", { class: "phelp", text: p.help })];
  }

  function showQuery(q) {
    current = q;
    renderList(document.getElementById("query-filter").value);
    var detail = document.getElementById("query-detail");
    detail.textContent = "";
    detail.appendChild(el("h2", { text: q.title }));
    detail.appendChild(el("p", { class: "description", text: q.description }));
    var form = el("form", { class: "params", id: "params" });
    q.params.forEach(function (p) { paramInput(p).forEach(function (n) { form.appendChild(n); }); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); runSaved(); });
    if (q.params.length) { detail.appendChild(form); }
    var run = el("button", { type: "button", class: "primary", id: "run", text: "Run" });
    run.addEventListener("click", runSaved);
    var edit = el("button", { type: "button", id: "open-editor", text: "Open in the editor" });
    edit.addEventListener("click", function () { openInEditor(q.query); });
    var csv = el("a", { id: "csv-link", href: savedUrl("csv"), text: "CSV" });
    detail.appendChild(el("div", { class: "actions" }, [run, edit, csv, el("span", { class: "status", id: "status" })]));
    if (q.params.length) {
      form.addEventListener("input", function () { csv.setAttribute("href", savedUrl("csv")); });
    }
    var views = el("div", { class: "views", id: "views", hidden: "" });
    detail.appendChild(views);
    detail.appendChild(el("div", { id: "results" }));
    var text = el("details", { class: "querytext" }, [el("summary", { text: "SPARQL" }), el("pre", { text: q.query })]);
    detail.appendChild(text);
  }

  function savedParams() {
    var params = new URLSearchParams();
    if (!current) { return params; }
    current.params.forEach(function (p) {
      var input = document.getElementById("param-" + p.name);
      if (input && input.value.trim() !== "") { params.append(p.name, input.value.trim()); }
    });
    return params;
  }

  function savedUrl(format) {
    var params = savedParams();
    if (format) { params.append("format", format); }
    var qs = params.toString();
    return current.url + (qs ? "?" + qs : "");
  }

  function setStatus(text, isError) {
    var s = document.getElementById("status");
    if (!s) { return; }
    s.textContent = text;
    s.className = "status" + (isError ? " error" : "");
  }

  function runSaved() {
    var q = current;
    setStatus("running…");
    var started = performance.now();
    fetch(savedUrl(null), { headers: { Accept: "application/sparql-results+json" } })
      .then(function (r) {
        return r.text().then(function (body) {
          if (!r.ok) {
            var msg = body;
            try { msg = JSON.parse(body).error; } catch (e) { /* plain text */ }
            throw new Error(msg || r.statusText);
          }
          return { data: JSON.parse(body), truncated: r.headers.get("X-Mesokg-Truncated") };
        });
      })
      .then(function (res) {
        if (current !== q) { return; }
        var rows = res.data.results ? res.data.results.bindings : [];
        var ms = Math.round(performance.now() - started);
        setStatus(rows.length + " row" + (rows.length === 1 ? "" : "s") + " in " + ms + " ms" +
          (res.truncated ? " (cut at " + res.truncated + " rows)" : ""));
        showResults(q, res.data);
      })
      .catch(function (e) { if (current === q) { setStatus(e.message, true); } });
  }

  // ------------------------------------------------------------------ results
  function showResults(q, data) {
    var views = document.getElementById("views");
    var box = document.getElementById("results");
    views.textContent = "";
    box.textContent = "";
    if (typeof data.boolean === "boolean") {
      box.appendChild(el("p", { text: String(data.boolean) }));
      views.hidden = true;
      return;
    }
    var table = resultTable(data);
    if (!q.network) {
      views.hidden = true;
      box.appendChild(table);
      return;
    }
    var tableButton = el("button", { type: "button", "aria-pressed": "true", id: "view-table", text: "Table" });
    var netButton = el("button", { type: "button", "aria-pressed": "false", id: "view-network", text: "Network" });
    var netBox = el("div", { id: "network-box", hidden: "" }, [el("div", { id: "network" }), legend()]);
    tableButton.addEventListener("click", function () {
      tableButton.setAttribute("aria-pressed", "true"); netButton.setAttribute("aria-pressed", "false");
      table.hidden = false; netBox.hidden = true;
    });
    netButton.addEventListener("click", function () {
      tableButton.setAttribute("aria-pressed", "false"); netButton.setAttribute("aria-pressed", "true");
      table.hidden = true; netBox.hidden = false;
      drawNetwork(q, data);
    });
    views.appendChild(tableButton);
    views.appendChild(netButton);
    views.hidden = false;
    box.appendChild(table);
    box.appendChild(netBox);
  }

  function resultTable(data) {
    var vars = data.head.vars;
    var thead = el("thead", {}, [el("tr", {}, vars.map(function (v) { return el("th", { text: v }); }))]);
    var tbody = el("tbody");
    data.results.bindings.forEach(function (b) {
      tbody.appendChild(el("tr", {}, vars.map(function (v) {
        var t = b[v];
        var cls = t && t.type === "uri" ? "iri" : (isNumber(t) ? "num" : "");
        var attrs = { text: cellText(t), class: cls };
        if (t && t.type === "uri") { attrs.title = t.value; }
        return el("td", attrs);
      })));
    });
    return el("div", { class: "table-wrap" }, [el("table", { class: "results" }, [thead, tbody])]);
  }

  // ------------------------------------------------------------------ network view
  function legend() {
    var box = el("div", { class: "legend" });
    Object.keys(settings.style.levels).forEach(function (level) {
      var swatch = el("i");
      swatch.style.background = settings.style.levels[level];
      box.appendChild(el("span", {}, [swatch, document.createTextNode("CEBM " + level)]));
    });
    box.appendChild(el("span", { text: "dashed: some claims refute" }));
    return box;
  }

  function loadCytoscape() {
    if (window.cytoscape) { return Promise.resolve(window.cytoscape); }
    if (!cytoscapeLoading) {
      cytoscapeLoading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = "/static/vendor/cytoscape.min.js";
        s.onload = function () { resolve(window.cytoscape); };
        s.onerror = function () { reject(new Error("the network view is unavailable (cytoscape.min.js missing)")); };
        document.head.appendChild(s);
      });
    }
    return cytoscapeLoading;
  }

  function value(b, name) { return b[name] ? b[name].value : ""; }

  function networkElements(q, data) {
    var s = q.network[0], o = q.network[1];
    var nodes = {}, edges = {};
    data.results.bindings.forEach(function (b) {
      if (!b[s] || !b[o]) { return; }
      var si = b[s].value, oi = b[o].value;
      nodes[si] = nodes[si] || { id: si, name: value(b, s + "_label") || shorten(si), role: "subject" };
      nodes[oi] = nodes[oi] || { id: oi, name: value(b, o + "_label") || shorten(oi), role: "object" };
      var key = si + " " + oi;
      var level = value(b, "best_level") || value(b, "level");
      var rank = Number(value(b, "best_rank") || value(b, "rank") || 99);
      var refuting = Number(value(b, "refuting") || 0) > 0 || /Refutes$/.test(value(b, "polarity"));
      var e = edges[key];
      if (!e) {
        edges[key] = { id: "e" + Object.keys(edges).length, source: si, target: oi, level: level, rank: rank,
                       refuting: refuting, claims: Number(value(b, "claims") || 1) };
      } else {
        if (rank < e.rank) { e.rank = rank; e.level = level; }
        e.refuting = e.refuting || refuting;
        if (!b.claims) { e.claims += 1; }
      }
    });
    var out = [];
    Object.keys(nodes).forEach(function (k) { out.push({ group: "nodes", data: nodes[k] }); });
    Object.keys(edges).forEach(function (k) { out.push({ group: "edges", data: edges[k] }); });
    return out;
  }

  function drawNetwork(q, data) {
    var box = document.getElementById("network");
    loadCytoscape().then(function (cytoscape) {
      var st = settings.style;
      var cy = cytoscape({
        container: box,
        elements: networkElements(q, data),
        style: [
          { selector: "node", style: {
            "background-color": function (n) { return n.data("role") === "subject" ? st.kinds.substance : st.kinds.indication; },
            "label": "data(name)", "font-size": 10, "width": 12, "height": 12, "color": "#1d1d1d",
            "text-wrap": "wrap", "text-max-width": 130, "text-valign": "bottom", "text-margin-y": 3 } },
          { selector: "edge", style: {
            "line-color": function (e) { return st.levels[e.data("level")] || st.fallback; },
            "line-style": function (e) { return e.data("refuting") ? "dashed" : "solid"; },
            "width": function (e) { return Math.min(1.5 + 0.8 * ((e.data("claims") || 1) - 1), 5); },
            "curve-style": "bezier", "target-arrow-shape": "triangle",
            "target-arrow-color": function (e) { return st.levels[e.data("level")] || st.fallback; } } }
        ],
        maxZoom: 1.6,
        layout: { name: "concentric", concentric: function (n) { return n.degree(); }, levelWidth: function () { return 2; },
                  minNodeSpacing: 70, animate: false }
      });
      cy.on("tap", "edge", function (evt) {
        var d = evt.target.data();
        setStatus(evt.target.source().data("name") + " → " + evt.target.target().data("name") +
          ": best level " + (d.level || "?") + (d.refuting ? ", some claims refute" : ""));
      });
      box.setAttribute("data-nodes", String(cy.nodes().length));
      box.setAttribute("data-edges", String(cy.edges().length));
    }).catch(function (e) { setStatus(e.message, true); });
  }

  // ------------------------------------------------------------------ start
  document.getElementById("tab-saved").addEventListener("click", function () { showTab("saved"); });
  document.getElementById("tab-editor").addEventListener("click", function () { showTab("editor"); });
  document.getElementById("query-filter").addEventListener("input", function (ev) { renderList(ev.target.value); });
  document.getElementById("limit-time").textContent = String(settings.timeout);
  document.getElementById("limit-rows").textContent = String(settings.maxRows);

  fetch("/queries", { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error("cannot list the saved queries: HTTP " + r.status); } return r.json(); })
    .then(function (list) {
      catalogue = list;
      renderList("");
      document.body.setAttribute("data-ready", "true");
    })
    .catch(function (e) {
      document.getElementById("query-detail").appendChild(el("p", { class: "status error", text: e.message }));
    });
}());
