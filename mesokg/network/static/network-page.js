/* mesokg interactive network page: draws the embedded elements with Cytoscape.js (inlined above),
   filters edges by evidence level, area, polarity or shared count, and shows details on hover or tap.
   It makes no network requests. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("mesokg-data").textContent);
  var st = data.style;
  var projection = data.projection;

  function esc(s) {
    return String(s === undefined || s === null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function levelColour(n) { return st.levels[n] || st.fallback; }
  function nodeColour(n) {
    if (projection) { return st.palette[(n.data("community") || 0) % st.palette.length]; }
    if (n.data("role") === "subject") { return st.kinds[n.data("kind")] || st.kinds.other; }
    return st.groups[n.data("column_group")] || st.kinds.indication;
  }

  var styles = [
    { selector: "node", style: {
        "background-color": nodeColour, "label": "data(name)", "font-size": 13, "color": "#1d1d1d",
        "width": function (n) { return 8 + 2 * Math.min(n.data("degree") || 1, 8); },
        "height": function (n) { return 8 + 2 * Math.min(n.data("degree") || 1, 8); },
        "text-valign": "center", "border-width": 1, "border-color": "#ffffff",
        "text-wrap": "ellipsis", "text-max-width": 300, "min-zoomed-font-size": 5 } },
    { selector: "node[role = 'subject']", style: { "text-halign": "left", "text-margin-x": -5 } },
    { selector: "node[role = 'object']", style: { "text-halign": "right", "text-margin-x": 5 } },
    { selector: "edge", style: {
        "curve-style": "straight", "opacity": 0.85,
        "line-color": projection ? "#3a6ea5" : function (e) { return levelColour(e.data("level")); },
        "width": projection
          ? function (e) { return 1 + 2.5 * ((e.data("weight") || 1) - 1) / Math.max(data.maxWeight - 1, 1); }
          : function (e) { return Math.min(1.5 + 0.8 * ((e.data("n_claims") || 1) - 1), 5); } } },
    { selector: "node:selected", style: { "border-color": "#000", "border-width": 2 } },
    { selector: "edge:selected", style: { "opacity": 1, "underlay-color": "#ffd54f", "underlay-padding": 3,
                                          "underlay-opacity": 0.7 } }
  ];
  Object.keys(st.polarity).forEach(function (p) {
    var s = { "line-style": st.polarity[p][0] };
    if (st.polarity[p][1].length) { s["line-dash-pattern"] = st.polarity[p][1]; }
    styles.push({ selector: "edge[polarity = '" + p + "']", style: s });
  });

  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: data.elements,
    layout: { name: "preset", fit: true, padding: 40 },
    style: styles,
    minZoom: 0.05, maxZoom: 6,
    boxSelectionEnabled: false
  });
  window.mesokgCy = cy;

  // ---- controls -----------------------------------------------------------------------------
  var level = document.getElementById("min-level");
  var levelValue = document.getElementById("level-value");
  var area = document.getElementById("area");
  var polarity = document.getElementById("polarity");
  var weight = document.getElementById("min-weight");
  var weightValue = document.getElementById("weight-value");

  if (projection) {
    document.getElementById("level-control").style.display = "none";
    document.getElementById("area-control").style.display = "none";
    document.getElementById("polarity-control").style.display = "none";
    weight.max = String(Math.max(data.maxWeight, 1));
  } else {
    document.getElementById("weight-control").style.display = "none";
    var ranks = data.levels.map(function (l) { return l.rank; });
    level.min = String(Math.min.apply(null, ranks));
    level.max = String(Math.max.apply(null, ranks));
    level.value = level.max;
    if (!data.areas.length) { document.getElementById("area-control").style.display = "none"; }
    data.areas.forEach(function (a) {
      var o = document.createElement("option"); o.value = a.id; o.textContent = a.label; area.appendChild(o);
    });
    data.polarities.forEach(function (p) {
      var o = document.createElement("option"); o.value = p; o.textContent = p; polarity.appendChild(o);
    });
  }

  function notationFor(rank) {
    var best = null;
    data.levels.forEach(function (l) { if (l.rank <= rank) { best = l.notation; } });
    return best || String(rank);
  }

  function apply() {
    var maxRank = Number(level.value);
    var a = area.value;
    var p = polarity.value;
    var minW = Number(weight.value);
    levelValue.textContent = notationFor(maxRank) + " or better";
    weightValue.textContent = String(minW);
    cy.batch(function () {
      cy.edges().forEach(function (e) {
        var ok;
        if (projection) {
          ok = (e.data("weight") || 0) >= minW;
        } else {
          ok = e.data("level_rank") <= maxRank && (!a || e.target().data("area") === a) &&
               (!p || e.data("polarity") === p);
        }
        e.style("display", ok ? "element" : "none");
      });
      cy.nodes().forEach(function (n) {
        var shown = n.connectedEdges().some(function (e) { return e.style("display") !== "none"; });
        n.style("display", shown ? "element" : "none");
      });
    });
    var ve = cy.edges().filter(function (e) { return e.style("display") !== "none"; }).length;
    var vn = cy.nodes().filter(function (n) { return n.style("display") !== "none"; }).length;
    document.getElementById("counts").textContent =
      "Showing " + ve + " of " + cy.edges().length + " edges and " + vn + " of " + cy.nodes().length + " nodes.";
  }
  [level, area, polarity, weight].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  area.addEventListener("change", function () {
    // a different area shows a different part of the columns: bring it into view
    var shown = cy.elements().filter(function (el) { return el.style("display") !== "none"; });
    if (shown.length) { cy.fit(shown, 40); }
  });
  apply();

  // ---- details on hover / tap ------------------------------------------------------------------
  var info = document.getElementById("info");
  var tip = document.getElementById("tip");

  function rows(pairs) {
    return "<dl>" + pairs.filter(function (kv) { return kv[1] !== "" && kv[1] !== undefined; }).map(function (kv) {
      return "<dt>" + esc(kv[0]) + "</dt><dd>" + esc(kv[1]) + "</dd>";
    }).join("") + "</dl>";
  }
  function edgeHtml(e) {
    var d = e.data();
    var head = "<b>" + esc(e.source().data("name")) + "</b> → <b>" + esc(e.target().data("name")) + "</b>";
    if (projection) {
      return head + rows([["shared indications (" + d.shared + ")", d.shared_labels]]);
    }
    return head + rows([
      ["relation", d.predicates], ["best evidence level", "CEBM " + d.level],
      ["polarity", d.polarity + " (" + d.n_supports + " supports, " + d.n_refutes + " refutes, " +
        d.n_mixed + " mixed, " + d.n_insufficient + " insufficient)"],
      ["claims / distinct sources", d.n_claims + " / " + d.n_sources], ["sources", d.sources]
    ]);
  }
  function nodeHtml(n) {
    var d = n.data();
    return "<b>" + esc(d.name) + "</b>" + rows([
      ["kind", d.kind], ["class", d.class_label], ["area", d.area_label], ["type", d.indication_type],
      ["degree / evidence-weighted degree", d.degree + " / " + d.weighted_degree],
      ["betweenness", d.betweenness], ["community", d.community], ["external ids", d.external_ids],
      ["IRI", d.id]
    ]);
  }
  function show(html, evt) {
    info.innerHTML = html;
    if (evt && evt.renderedPosition) {
      tip.innerHTML = html;
      tip.style.left = Math.min(evt.renderedPosition.x + 14, cy.width() - 370) + "px";
      tip.style.top = (evt.renderedPosition.y + 14) + "px";
      tip.style.display = "block";
    }
  }
  cy.on("mouseover tap", "edge", function (evt) { show(edgeHtml(evt.target), evt); });
  cy.on("mouseover tap", "node", function (evt) { show(nodeHtml(evt.target), evt); });
  cy.on("mouseout", "edge, node", function () { tip.style.display = "none"; });
  cy.on("tap", function (evt) { if (evt.target === cy) { tip.style.display = "none"; } });

  // ---- legend -------------------------------------------------------------------------------------
  var legend = [];
  if (projection) {
    legend.push("<div class='hint'>Edge width: number of shared indications. Node colour: community.</div>");
  } else {
    legend.push("<b>Best evidence level (CEBM)</b>");
    data.levels.forEach(function (l) {
      legend.push("<div class='legend-row'><span class='legend-line' style='border-top-style:solid;border-top-color:" +
        levelColour(l.notation) + "'></span>" + esc(l.notation) + "</div>");
    });
    legend.push("<b>Polarity</b>");
    data.polarities.forEach(function (p) {
      var css = { solid: "solid", dashed: "dashed", dotted: "dotted" }[st.polarity[p][0]] || "solid";
      if (p === "insufficient") { css = "dotted"; }
      legend.push("<div class='legend-row'><span class='legend-line' style='border-top-style:" + css +
        "'></span>" + esc(st.polarityMeaning[p]) + "</div>");
    });
    legend.push("<b>Left column</b>");
    data.kinds.forEach(function (k) {
      legend.push("<div class='legend-row'><span class='legend-dot' style='background:" + st.kinds[k] +
        "'></span>" + esc(k) + "</div>");
    });
    if (data.groupList.length) {
      legend.push("<b>Right column</b>");
      data.groupList.forEach(function (g) {
        legend.push("<div class='legend-row'><span class='legend-dot' style='background:" + st.groups[g] +
          "'></span>" + esc(g) + "</div>");
      });
    }
    legend.push("<div class='hint'>Edge width: number of claims.</div>");
  }
  document.getElementById("legend").innerHTML = legend.join("");
})();
