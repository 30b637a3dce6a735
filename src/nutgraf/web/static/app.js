// nutgraf: the fact panel on the article page.  Clicking (or Enter or Space on) a highlighted quote,
// figure, event, name or place shows who said it, who reported it, which entity or which place it is.  Everything is
// built with DOM calls and textContent: article data never goes through innerHTML.  Escape or the
// panel's close button closes it and gives focus back to the highlight that opened it.
(function () {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function entityLink(name, label) {
    var a = el("a", "entity-link", name);
    var params = new URLSearchParams({ name: name });
    if (label) { params.set("label", label); }
    a.href = "/entity?" + params.toString();
    return a;
  }

  function row(body, heading, value, link) {
    var p = el("p", "panel-row");
    p.appendChild(el("strong", null, heading + ": "));
    p.appendChild(link || el("span", "panel-value", value));
    body.appendChild(p);
  }

  function describe(node, body) {
    var kind = node.getAttribute("data-kind");
    var d = node.dataset;
    if (kind === "quote") {
      var h = el("h3", "panel-kind", (d.quoteKind || "") + " quote");
      body.appendChild(h);
      if (d.speaker) {
        row(body, "speaker", null, entityLink(d.speaker));
        var s = body.lastChild;
        s.classList.add("panel-speaker");
        s.setAttribute("data-speaker", d.speaker);
      } else {
        row(body, "speaker", "unattributed");
      }
      if (d.cue) { row(body, "cue", d.cue); }
      var qid = node.id || node.getAttribute("data-part-of");
      body.appendChild(el("blockquote", "panel-quote", qid ? textOf(qid) : node.textContent));
    } else if (kind === "amount") {
      body.appendChild(el("h3", "panel-kind", "figure"));
      var mid = node.id || node.getAttribute("data-part-of");
      row(body, "figure", mid ? textOf(mid) : node.textContent);
      if (d.desc) { row(body, "reads as", d.desc); }
      if (d.source) {
        row(body, "source", null, entityLink(d.source));
        var r = body.lastChild;
        r.classList.add("panel-source");
        r.setAttribute("data-source", d.source);
      } else {
        row(body, "source", "none given");
      }
    } else if (kind === "entity") {
      body.appendChild(el("h3", "panel-kind", d.label || "entity"));
      row(body, "entity", null, entityLink(d.entity, d.label));
    } else if (kind === "place") {
      body.appendChild(el("h3", "panel-kind", "place"));
      var link = el("a", "place-link", d.placeName || node.textContent);
      link.href = "/place/" + encodeURIComponent(d.place || "");
      row(body, "place", null, link);
      if (d.where) { row(body, "where", d.where); }
      if (d.placeKind && d.placeKind !== "name") { row(body, "read as", d.placeKind); }
      if (d.evidence) { row(body, "evidence", d.evidence); }
    } else if (kind === "event") {
      body.appendChild(el("h3", "panel-kind", "event: " + (d.category || "") + (d.mode ? " (" + d.mode + ")" : "")));
      var eid = node.id || node.getAttribute("data-part-of");
      row(body, "trigger", eid ? textOf(eid) : node.textContent);
      if (d.negated) { row(body, "negated", "yes (refused, denied, did not)"); }
      row(body, "who acted", d.source || "not given", d.source ? entityLink(d.source) : null);
      row(body, "acted on", d.target || "not given", d.target ? entityLink(d.target) : null);
      if (d.place) {
        var where = el("a", "place-link", d.placeName || d.place);
        where.href = "/place/" + encodeURIComponent(d.place);
        row(body, "where", null, where);
      }
      if (d.date) { row(body, "when", d.date); }
      if (d.cameo) { row(body, "CAMEO", d.cameo); }
    } else if (kind === "speaker" || kind === "source" || kind === "event-source" || kind === "event-target") {
      var target = document.getElementById(d.for);
      if (target) {
        flash(target);
        describe(target, body);
        return;
      }
    }
  }

  // the whole text of a highlight that crossing spans cut in pieces (the first piece has the
  // id, the others point at it with data-part-of)
  function textOf(id) {
    var first = document.getElementById(id);
    if (!first) { return ""; }
    var parts = [first.textContent];
    document.querySelectorAll('[data-part-of="' + CSS.escape(id) + '"]').forEach(function (c) {
      parts.push(c.textContent);
    });
    return parts.join("");
  }

  function flash(node) {
    node.classList.add("flash");
    window.setTimeout(function () { node.classList.remove("flash"); }, 1200);
  }

  // --- the panel: open, place, close ------------------------------------------------------
  // Narrow screens (the one-column layout in style.css) show the panel as a sheet fixed to the
  // bottom of the viewport; wide ones at the top of the sidebar, which stays in view.
  var NARROW = "(max-width: 900px)";
  var opener = null;  // the highlight that opened the panel: focus goes back to it on close

  function panelParts() {
    return { panel: document.getElementById("fact-panel"), body: document.getElementById("fact-panel-body") };
  }

  // the focusable highlight a click landed in (a speaker's name inside a quote: the quote)
  function activator(target) {
    return (target.closest && target.closest("[data-kind][tabindex]")) || target;
  }

  function setExpanded(node, open) {
    if (node && node.hasAttribute && node.hasAttribute("aria-controls")) {
      node.setAttribute("aria-expanded", open ? "true" : "false");
    }
  }

  function show(target, fromKeyboard) {
    var parts = panelParts();
    var panel = parts.panel, body = parts.body;
    if (!panel || !body) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    // the clicked highlight and every highlight around it, innermost first
    var node = target;
    var text = document.getElementById("article-text");
    var seen = 0;
    while (node && node !== text) {
      if (node.nodeType === 1 && node.hasAttribute("data-kind")) {
        var box = el("div", "panel-item");
        describe(node, box);
        if (box.firstChild) { body.appendChild(box); seen += 1; }
      }
      node = node.parentNode;
    }
    if (!seen) { return; }
    setExpanded(opener, false);
    opener = activator(target);
    setExpanded(opener, true);
    panel.hidden = false;
    panel.classList.add("open");
    document.body.classList.add("panel-open");
    place(panel, opener);
    if (fromKeyboard) { panel.focus({ preventScroll: true }); }
  }

  // Make the panel and the fact it describes both visible, moving the page as little as may be.
  function place(panel, fact) {
    if (window.matchMedia && window.matchMedia(NARROW).matches) {
      // the sheet covers the bottom of the viewport: lift the fact above it if it is hidden
      var sheetTop = panel.getBoundingClientRect().top;
      var r = fact.getBoundingClientRect();
      if (r.bottom > sheetTop - 8 || r.top < 0) {
        var want = Math.max(8, (sheetTop - r.height) / 3);
        window.scrollBy(0, r.top - want);
      }
      return;
    }
    var side = panel.parentElement;
    // the sidebar scrolls on its own: bring its top, where the panel is, back into view
    if (side && side.scrollTop > panel.offsetTop) { side.scrollTop = panel.offsetTop; }
    var p = panel.getBoundingClientRect();
    if (p.top < 0 || p.top > window.innerHeight - 40) { panel.scrollIntoView({ block: "nearest" }); }
  }

  function hide() {
    var panel = panelParts().panel;
    if (!panel || panel.hidden) { return; }
    var hadFocus = panel.contains(document.activeElement);
    panel.hidden = true;
    panel.classList.remove("open");
    document.body.classList.remove("panel-open");
    setExpanded(opener, false);
    if (hadFocus && opener && opener.focus) { opener.focus(); }
  }

  function addCloseButton(panel) {
    var b = el("button", "panel-close", "\u00d7");
    b.type = "button";
    b.setAttribute("aria-label", "Close the details");
    b.title = "Close (Esc)";
    b.addEventListener("click", hide);
    panel.insertBefore(b, panel.firstChild);
  }

  // Tables too wide for the screen scroll inside a box of their own, never the whole page.
  // The templates wrap theirs; this catches any table a page adds without the wrapper.
  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (t) {
      if (t.closest(".table-scroll")) { return; }
      var box = el("div", "table-scroll");
      t.parentNode.insertBefore(box, t);
      box.appendChild(t);
      if (box.scrollWidth > box.clientWidth) {  // a box that scrolls must be reachable by keyboard
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", t.getAttribute("aria-label") || (t.id ? t.id.replace(/-/g, " ") : "table"));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wrapTables();
    var text = document.getElementById("article-text");
    var panel = panelParts().panel;
    if (!text || !panel) { return; }
    addCloseButton(panel);
    // the focusable highlights are buttons that open the panel
    text.querySelectorAll("[data-kind][tabindex]").forEach(function (n) {
      n.setAttribute("role", "button");
      n.setAttribute("aria-controls", "fact-panel");
      n.setAttribute("aria-expanded", "false");
    });
    text.addEventListener("click", function (ev) {
      if (ev.target.closest && ev.target.closest("[data-kind]")) { show(ev.target, false); }
    });
    text.addEventListener("keydown", function (ev) {
      if ((ev.key === "Enter" || ev.key === " ") && ev.target.hasAttribute && ev.target.hasAttribute("data-kind")) {
        ev.preventDefault();
        show(ev.target, true);
      }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" || ev.key === "Esc") { hide(); }
    });
    if (window.location.hash) {
      var t = document.getElementById(window.location.hash.slice(1));
      if (t && t.hasAttribute("data-kind")) { show(t, false); flash(t); }
    }
  });
}());
