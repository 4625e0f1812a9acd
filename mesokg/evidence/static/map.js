/* Evidence gap map page: builds the grid from the embedded JSON, hover tooltip, click summary. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("map-data").textContent);
  var el = window.MesokgSOF.el;
  var colours = {};
  D.scale.levels.forEach(function (l) { colours[l.level] = l.colour; });
  function ink(hex) {
    var r = parseInt(hex.substr(1, 2), 16) / 255, g = parseInt(hex.substr(3, 2), 16) / 255, b = parseInt(hex.substr(5, 2), 16) / 255;
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 ? "#fff" : "#000";
  }
  // legend, in level order
  var legend = document.getElementById("legend");
  legend.appendChild(el("span", { text: "best efficacy level (darker = stronger): " }));
  D.scale.levels.forEach(function (l) {
    legend.appendChild(el("span", { "class": "key", title: l.meaning, text: l.level, style: "background:" + l.colour + ";color:" + ink(l.colour) }));
  });
  legend.appendChild(el("span", { "class": "key", text: "u", style: "background:" + D.scale.usage_only }));
  legend.appendChild(el("span", { text: " usage only " }));
  legend.appendChild(el("span", { "class": "key gap", text: " " }));
  legend.appendChild(el("span", { text: " gap (no claim) " }));
  legend.appendChild(el("span", { "class": "key conflict", text: " " }));
  legend.appendChild(el("span", { text: " sources disagree; cells read sources/claims; !n = adverse events of the row" }));

  var table = document.getElementById("map");
  var thead = el("thead"), tbody = el("tbody");
  var areaRow = el("tr", null, [el("th", { "class": "corner", rowspan: "2", text: D.filters })]);
  var spans = [];
  D.columns.forEach(function (c) {
    if (!spans.length || spans[spans.length - 1].area !== c.area_label) spans.push({ area: c.area_label, n: 0 });
    spans[spans.length - 1].n += 1;
  });
  spans.forEach(function (s) { areaRow.appendChild(el("th", { "class": "area", colspan: String(s.n), text: s.area })); });
  areaRow.appendChild(el("th", { "class": "area harm", rowspan: "2", text: "adverse events" }));
  var colRow = el("tr");
  D.columns.forEach(function (c) {
    colRow.appendChild(el("th", { "class": "col depth" + Math.min(c.depth, 3), title: c.label }, [el("span", { text: c.label })]));
  });
  thead.appendChild(areaRow); thead.appendChild(colRow);
  var group = null;
  D.rows.forEach(function (r) {
    if (r.group !== group) {
      group = r.group;
      tbody.appendChild(el("tr", { "class": "group" }, [el("th", { "class": "rowhead", text: group }), el("td", { colspan: String(D.columns.length + 1) })]));
    }
    var tr = el("tr", null, [el("th", { "class": "rowhead", text: r.label })]);
    D.columns.forEach(function (c) {
      var key = r.id + "|" + c.id, cell = D.cells[key];
      var td = el("td", { "class": "cell" });
      if (cell) {
        td.dataset.key = key;
        td.tabIndex = 0;
        if (cell.claims.length) {
          var lvl = cell.best_level || cell.best_level_against;
          var col = colours[lvl] || "#444";
          td.style.background = col; td.style.color = ink(col);
          td.textContent = (cell.best_level ? "" : "\u2212") + cell.sources.length + "/" + cell.claims.length;
        } else {
          td.style.background = D.scale.usage_only;
          td.textContent = "u" + cell.usage.length;
        }
        if (cell.direction === "inconsistent") td.classList.add("conflict");
      } else {
        td.classList.add("gap");
      }
      tr.appendChild(td);
    });
    tr.appendChild(el("td", { "class": "cell harm", text: r.harms ? "!" + r.harms : "" }));
    tbody.appendChild(tr);
  });
  table.appendChild(thead); table.appendChild(tbody);

  function summary(key) {
    var cell = D.cells[key], parts = key.split("|");
    var s = {};
    Object.keys(cell).forEach(function (k) { s[k] = cell[k]; });
    s.claims = cell.claims.map(function (id) { return D.claims[id]; });
    s.usage = cell.usage.map(function (id) { return D.claims[id]; });
    s.adverse_events = D.adverse[parts[0]] || [];
    return s;
  }
  var tip = document.getElementById("tip");
  table.addEventListener("mouseover", function (ev) {
    var td = ev.target.closest("td.cell");
    if (!td || !td.dataset.key) { tip.hidden = true; return; }
    var s = summary(td.dataset.key);
    tip.textContent = "";
    tip.appendChild(el("strong", { text: s.subject.label + " \u00d7 " + s.indication.label }));
    tip.appendChild(el("div", { text: "best level " + (s.best_level || "none") + ", certainty " + s.certainty + ", " + s.direction }));
    var ul = el("ul");
    s.claims.concat(s.usage).slice(0, 12).forEach(function (c) {
      ul.appendChild(el("li", { text: (c.kind === "usage" ? "usage " : "") + c.level + " " + c.polarity + ": " + c.subject_label + " \u2192 " + c.indication_label + " [" + c.sources.join(", ") + "]" }));
    });
    if (s.claims.length + s.usage.length > 12) ul.appendChild(el("li", { text: "\u2026 click for all" }));
    tip.appendChild(ul);
    tip.appendChild(el("div", { text: "sources: " + s.sources.map(function (x) { return x.label; }).join("; ") }));
    var rect = td.getBoundingClientRect();
    tip.style.left = Math.min(window.innerWidth - 420, rect.right + 8) + "px";
    tip.style.top = Math.max(4, Math.min(window.innerHeight - 260, rect.top)) + "px";
    tip.hidden = false;
  });
  table.addEventListener("mouseleave", function () { tip.hidden = true; });
  var panel = document.getElementById("panel"), body = document.getElementById("panel-body");
  function open(key) {
    window.MesokgSOF.render(summary(key), body, D.scale);
    panel.hidden = false;
    tip.hidden = true;
  }
  table.addEventListener("click", function (ev) {
    var td = ev.target.closest("td.cell");
    if (td && td.dataset.key) open(td.dataset.key);
  });
  table.addEventListener("keydown", function (ev) {
    var td = ev.target.closest("td.cell");
    if (td && td.dataset.key && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); open(td.dataset.key); }
  });
  document.getElementById("panel-close").addEventListener("click", function () { panel.hidden = true; });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") panel.hidden = true; });
  document.body.dataset.ready = "1";
})();
