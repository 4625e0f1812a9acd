/* The summary-of-findings form of the endpoint page: its own tab, label completion from
   /evidence/names (a native <datalist>, no library), the summary from /evidence (rendered by sof.js). */
(function () {
  "use strict";
  var el = window.MesokgSOF.el;
  var settings = {};
  try { settings = JSON.parse(document.getElementById("settings").textContent); } catch (e) { settings = {}; }
  var levels = (settings.style && settings.style.levels) || {};
  var scale = { levels: Object.keys(levels).map(function (k) { return { level: k, colour: levels[k] }; }) };

  var tabs = document.querySelector(".tabs"), main = document.querySelector("main");
  var tab = el("button", { type: "button", role: "tab", id: "tab-evidence", "aria-selected": "false", "aria-controls": "panel-evidence", text: "Summary of findings" });
  tabs.appendChild(tab);
  function field(id, labelText, placeholder, kind) {
    var list = el("datalist", { id: id + "-names" });
    var input = el("input", { id: id, name: id, type: "text", autocomplete: "off", list: id + "-names", placeholder: placeholder, required: "required" });
    var timer = null, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === last) return;
        last = q;
        fetch("/evidence/names?kind=" + kind + "&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) {
            list.textContent = "";
            items.forEach(function (it) {
              list.appendChild(el("option", { value: it.label, text: it.match ? it.match + " \u2192 " + it.label : it.id }));
            });
            list.setAttribute("data-count", String(items.length));
          });
      }, 150);
    });
    return el("label", { "for": id }, [labelText + " ", input, list]);
  }
  var result = el("div", { id: "sof-result", "aria-live": "polite" });
  var status = el("p", { id: "sof-status", "class": "hint" });
  var form = el("form", { id: "sof-form" }, [
    field("sof-subject", "Subject", "substance, formulation or procedure, e.g. minoxidil", "subject"),
    field("sof-indication", "Indication", "e.g. hair loss", "indication"),
    el("button", { type: "submit", id: "sof-run", text: "Summarise" }),
  ]);
  var panel = el("section", { id: "panel-evidence", role: "tabpanel", "aria-labelledby": "tab-evidence", hidden: "hidden" }, [
    el("p", { "class": "hint", text: "Evidence for one pair, as a reviewer reads it: efficacy claims for and against, independent sources (one study counted once), best level, GRADE-style certainty and the reasons it was rated down; usage-only claims and adverse events apart. Names, synonyms, short ids and CURIEs all work. " }, [
      el("a", { href: "/evidence/map", text: "Open the evidence and gap map" })]),
    form, status, result,
  ]);
  main.appendChild(panel);
  var others = ["saved", "editor"];
  tab.addEventListener("click", function () {
    others.forEach(function (t) {
      var b = document.getElementById("tab-" + t), p = document.getElementById("panel-" + t);
      if (b) b.setAttribute("aria-selected", "false");
      if (p) p.hidden = true;
    });
    tab.setAttribute("aria-selected", "true");
    panel.hidden = false;
  });
  others.forEach(function (t) {
    var b = document.getElementById("tab-" + t);
    if (b) b.addEventListener("click", function () { tab.setAttribute("aria-selected", "false"); panel.hidden = true; });
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var s = document.getElementById("sof-subject").value, i = document.getElementById("sof-indication").value;
    status.textContent = "working\u2026";
    result.textContent = "";
    fetch("/evidence?subject=" + encodeURIComponent(s) + "&indication=" + encodeURIComponent(i), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { status.textContent = res.body.error || "error"; status.className = "error"; return; }
        status.className = "hint";
        status.textContent = "certainty " + res.body.certainty + "; JSON: /evidence?subject=" + encodeURIComponent(s) + "&indication=" + encodeURIComponent(i);
        window.MesokgSOF.render(res.body, result, scale);
        result.setAttribute("data-certainty", res.body.certainty);
      })
      .catch(function (e) { status.textContent = String(e); status.className = "error"; });
  });
})();
