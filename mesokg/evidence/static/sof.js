/* Summary of findings: render the JSON of `mesokg evidence --format json` into an element.
   Shared by the evidence gap map page and the endpoint page. Plain DOM (textContent only). */
(function (global) {
  "use strict";
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") e.textContent = attrs[k];
        else if (k === "style") e.style.cssText = attrs[k];
        else e.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  var FINDING = { supports: "for", refutes: "against", mixed: "mixed", insufficient: "insufficient" };
  var VIA = { direct: "", variant: " [variant]", formulation: " [contains it]", inherited: " [inherited]" };

  function table(header, rows) {
    var t = el("table", { "class": "sof-table" });
    t.appendChild(el("tr", null, header.map(function (h) { return el("th", { text: h }); })));
    rows.forEach(function (r) { t.appendChild(el("tr", null, r.map(function (c) { return el("td", { text: c == null ? "" : String(c) }); }))); });
    return t;
  }
  function claimRows(claims) {
    return claims.map(function (c) {
      var nums = [];
      if (c.sample_size) nums.push("n=" + c.sample_size);
      if (c.studies) nums.push(c.studies + " studies");
      if (c.effect_size) nums.push("effect " + c.effect_size + (c.effect_measure ? " (" + c.effect_measure + ")" : ""));
      return [c.level, FINDING[c.polarity] || c.polarity, c.subject_label + (VIA[c.via] || ""), c.indication_label,
              c.design || "not stated", (c.sources || []).join(", "), nums.join("; ")];
    });
  }
  function render(s, target, scale) {
    target.textContent = "";
    var colours = {};
    ((scale && scale.levels) || []).forEach(function (l) { colours[l.level] = l.colour; });
    target.appendChild(el("h2", { text: "Summary of findings: " + s.subject.label + " for " + s.indication.label }));
    var counts = { supports: 0, refutes: 0, mixed: 0, insufficient: 0 };
    s.claims.forEach(function (c) { counts[c.polarity] = (counts[c.polarity] || 0) + 1; });
    var narrower = s.included_indications.filter(function (i) { return !i.asked; }).map(function (i) { return i.label; });
    var participants = 0, studies = 0;
    s.sources.forEach(function (x) { participants += x.sample_size || 0; studies += x.studies || 0; });
    var reasons = s.reasons.map(function (r) { return r.domain + " (-" + r.levels + "): " + r.detail; });
    var dl = el("dl", { "class": "sof-head" });
    var level = el("span", { "class": "sof-level", text: s.best_level || "none" });
    if (s.best_level && colours[s.best_level]) level.style.cssText = "background:" + colours[s.best_level] + ";color:" + (["1a","1b","1c","2a","2b"].indexOf(s.best_level) >= 0 ? "#fff" : "#000");
    [
      ["indication", s.indication.label + (narrower.length ? " + narrower: " + narrower.join(", ") : "")],
      ["efficacy claims", s.claims.length + ": " + counts.supports + " for, " + counts.refutes + " against, " + counts.mixed + " mixed, " + counts.insufficient + " insufficient"],
      ["independent sources", s.sources.length + " (one study counted once)"],
      ["best level", level],
      ["participants", participants ? String(participants) : "not stated"],
      ["studies pooled", studies ? String(studies) : "not stated"],
      ["direction", s.direction],
      ["certainty", el("strong", { "class": "sof-certainty", text: s.certainty.toUpperCase() })],
      ["rated down", reasons.length ? reasons.join(" | ") : "not rated down"],
    ].forEach(function (kv) {
      dl.appendChild(el("dt", { text: kv[0] }));
      dl.appendChild(el("dd", null, [typeof kv[1] === "string" ? kv[1] : kv[1]]));
    });
    target.appendChild(dl);
    var H = ["level", "finding", "subject", "indication", "design", "sources", "numbers"];
    target.appendChild(el("h3", { text: "Efficacy claims (rated)" }));
    target.appendChild(s.claims.length ? table(H, claimRows(s.claims)) : el("p", { text: "none" }));
    target.appendChild(el("h3", { text: "Usage-only claims (not evidence of benefit, not rated)" }));
    target.appendChild(s.usage.length ? table(H, claimRows(s.usage)) : el("p", { text: "none" }));
    target.appendChild(el("h3", { text: "Adverse events of " + s.subject.label }));
    target.appendChild(s.adverse_events.length ? table(["adverse event", "reports", "sources", "best level", "polarity", "reported for"],
      s.adverse_events.map(function (e) {
        var where = e.via === "inherited" ? "inherited from " + e.inherited_from.join(", ")
          : (e.inherited_from.length ? "this subject; inherited from " + e.inherited_from.join(", ") : "this subject");
        return [(e.kind === "safety profile" ? "safety profile: " : "") + e.label, e.reports, e.sources.length, e.best_level, e.polarities.join("/"), where];
      })) : el("p", { text: "none" }));
  }
  global.MesokgSOF = { render: render, el: el };
})(window);
