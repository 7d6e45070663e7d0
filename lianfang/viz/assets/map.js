// The power-risk map page: draws the map data the server laid out, and lets the
// analyst filter, find, read, expand in place, trace paths and export it; the view
// (filters, selection, expansions, hidden and pinned nodes, a path) lives in the
// address's #fragment, so a link restores it. Register text is only ever set as text
// (textContent), never parsed as markup.
(function () {
  "use strict";
  var MIN_SCALE = 0.75; // below this the labels are too small to read
  var body = document.body;
  var hasBase = body.hasAttribute("data-base");
  var base = body.getAttribute("data-base") || "";
  var words = JSON.parse(document.getElementById("map-words").textContent);
  var container = document.getElementById("map");
  var details = document.getElementById("details");
  var network = null;
  var nodes = null;
  var edges = null;
  var current = null; // the map data drawn now, grown by each expansion
  var view = { x: [], s: null, h: [], p: [], f: -1, r: null }; // what the #fragment keeps
  var undo = []; // per expansion: what it added, so it can be taken back
  var lit = null; // a path's nodes and edges, lit over the findings

  function el(tag, text, attrs) {
    var made = document.createElement(tag);
    if (text !== undefined && text !== null) { made.textContent = text; }
    Object.keys(attrs || {}).forEach(function (name) { made.setAttribute(name, attrs[name]); });
    return made;
  }

  function say(key, n) { return words[key].replace("{n}", String(n)); }

  function tooltip(node) {
    var tip = el("div", node.details.map(function (line) { return line[0] + "：" + line[1]; }).join("\n"));
    tip.className = "tip";
    return tip;
  }

  function nameOf(node) {
    // the node's name (its first line), never its id unless it has no name
    return node.label.split("\n")[0];
  }

  // --- the view in the address ----------------------------------------------------
  function remember() {
    var unchecked = [];
    document.querySelectorAll("aside input[type=checkbox][data-level], aside input[data-category], aside input[data-kind]").forEach(function (box) {
      if (!box.checked) {
        var kind = box.hasAttribute("data-level") ? "level" : box.hasAttribute("data-category") ? "category" : "kind";
        unchecked.push(kind + ":" + box.getAttribute("data-" + kind));
      }
    });
    var kept = { off: unchecked, o: document.getElementById("open-only").checked ? 1 : 0 };
    Object.keys(view).forEach(function (key) { kept[key] = view[key]; });
    var empty = !unchecked.length && !kept.o && !view.x.length && !view.s && !view.h.length &&
      !view.p.length && view.f < 0 && !view.r;
    var address = window.location.pathname + window.location.search + (empty ? "" : "#view=" + encodeURIComponent(JSON.stringify(kept)));
    try { window.history.replaceState(null, "", address); } catch (ignored) { /* a file:// page in some browsers */ }
  }

  function kept() {
    var hash = window.location.hash;
    if (hash.indexOf("#view=") !== 0) { return null; }
    try { return JSON.parse(decodeURIComponent(hash.slice(6))); } catch (ignored) { return null; }
  }

  // --- filters -------------------------------------------------------------
  function checked(selector, attribute) {
    var on = {};
    document.querySelectorAll(selector).forEach(function (box) { on[box.getAttribute(attribute)] = box.checked; });
    return on;
  }

  function visible(node, wanted) {
    if (view.h.indexOf(node.id) >= 0) { return false; }
    if (wanted.kinds[node.nodeLabel] === false) { return false; }
    if (node.riskLevel === undefined) { return true; }
    if (wanted.levels[node.riskLevel] === false) { return false; }
    if (wanted.openOnly && !node.unmitigated) { return false; }
    return node.categories.some(function (c) { return wanted.categories[c] !== false; });
  }

  function applyFilters() {
    var wanted = {
      levels: checked("#levels input[data-level]", "data-level"),
      categories: checked("#categories input[data-category]", "data-category"),
      kinds: checked("#kinds input[data-kind]", "data-kind"),
      openOnly: document.getElementById("open-only").checked
    };
    var shown = 0;
    nodes.update(current.nodes.map(function (node) {
      var show = visible(node, wanted);
      if (show) { shown += 1; }
      return { id: node.id, hidden: !show };
    }));
    document.getElementById("node-count").textContent = String(shown);
    var unhide = document.getElementById("unhide");
    unhide.hidden = !view.h.length;
    unhide.textContent = say("hidden", view.h.length);
  }

  function shownIds() {
    return nodes.getIds({ filter: function (node) { return !node.hidden; } });
  }

  // --- the view: fit what matters, never below a readable scale -----------------
  function fitTo(ids) {
    var wanted = ids && ids.length ? ids : shownIds();
    if (!wanted.length) { return; }
    network.fit({ nodes: wanted, animation: false });
    if (network.getScale() * 0.92 >= MIN_SCALE) {
      // a margin, so that the boxes at the edges are whole
      network.moveTo({ scale: network.getScale() * 0.92, animation: false });
    } else if (network.getScale() < MIN_SCALE) {
      var box = bounds(wanted);
      var width = container.clientWidth / MIN_SCALE;
      var height = container.clientHeight / MIN_SCALE;
      // Too big to read whole: the top left of what matters, at a readable scale.
      var x = box.right - box.left + 40 < width ? (box.left + box.right) / 2 : box.left - 40 + width / 2;
      var y = box.bottom - box.top + 40 < height ? (box.top + box.bottom) / 2 : box.top - 60 + height / 2;
      network.moveTo({ position: { x: x, y: y }, scale: MIN_SCALE, animation: false });
    }
  }

  function bounds(ids) {
    // the boxes' edges, not their centres: a long label at the edge must be whole
    var box = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
    ids.forEach(function (id) {
      var edges = nodes.get(id) && network.getBoundingBox(id);
      if (!edges) { return; }
      box.left = Math.min(box.left, edges.left); box.right = Math.max(box.right, edges.right);
      box.top = Math.min(box.top, edges.top); box.bottom = Math.max(box.bottom, edges.bottom);
    });
    return box;
  }

  function litFindingIds() {
    if (lit) { return lit.nodes; }
    if (view.f >= 0 && current.findings[view.f]) { return current.findings[view.f].nodes; }
    return null;
  }

  function startView() {
    if (current.centre && nodes.get(current.centre)) {
      // a record's own map: the record in the middle, at a readable scale
      network.fit({ animation: false });
      network.moveTo({ position: network.getPositions([current.centre])[current.centre],
                       scale: Math.max(Math.min(network.getScale(), 1.2), MIN_SCALE), animation: false });
      return;
    }
    fitTo(litFindingIds());
  }

  // --- findings and paths: their nodes and edges bright, the rest dimmed -----------
  function paint(brightNodes, brightEdges, everything) {
    (current.proposed || []).forEach(function (id) {
      // a proposed what-if edge is what the map is about: always lit, with its ends
      brightEdges[id] = true;
      var edge = edges.get(id);
      if (edge) { brightNodes[edge.from] = true; brightNodes[edge.to] = true; }
    });
    nodes.update(current.nodes.map(function (node) {
      return { id: node.id, opacity: everything || brightNodes[node.id] ? 1 : 0.18 };
    }));
    edges.update(current.edges.map(function (edge) {
      var on = everything || brightEdges[edge.id];
      var colour = edge.color ? edge.color.color || edge.color : on && !everything ? "#374151" : "#B8B8B8";
      return { id: edge.id, width: on && !everything ? Math.max(edge.width || 1, 2.5) : (edge.width || 1),
               color: { color: colour, opacity: on ? 1 : 0.12 } };
    }));
  }

  function spotlight(index) {
    view.f = index;
    lit = null;
    var found = current.findings;
    var chosen = index < 0 ? found : [found[index]];
    var brightNodes = {};
    var brightEdges = {};
    chosen.forEach(function (finding) {
      finding.nodes.forEach(function (id) { brightNodes[id] = true; });
      finding.edges.forEach(function (id) { brightEdges[id] = true; });
    });
    paint(brightNodes, brightEdges, !found.length);
    document.querySelectorAll("#findings-list button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.index) === index));
    });
    if (index >= 0) { fitTo(found[index].nodes.filter(function (id) { return nodes.get(id); })); }
    remember();
  }

  function listFindings() {
    var list = document.getElementById("findings-list");
    list.textContent = "";
    document.getElementById("findings-box").hidden = !current.findings.length;
    document.getElementById("findings-count").textContent = String(current.findings.length);
    if (!current.findings.length) { return; }
    var entries = [{ title: words.all, index: -1 }].concat(current.findings.map(function (f, i) {
      return { title: f.title, index: i };
    }));
    entries.forEach(function (entry) {
      var button = el("button", entry.title, { type: "button", "data-index": String(entry.index) });
      button.addEventListener("click", function () { spotlight(entry.index); });
      var item = el("li");
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  // --- the side panel --------------------------------------------------------
  function link(text, href) {
    return el("a", text, { href: href, target: "_top" }); // a map may sit in a frame
  }

  function action(text, id, run) {
    var button = el("button", text, { type: "button", id: id });
    button.addEventListener("click", run);
    return button;
  }

  function show(node) {
    view.s = node.id;
    details.textContent = "";
    var list = el("dl");
    node.details.forEach(function (line) {
      list.appendChild(el("dt", line[0]));
      list.appendChild(el("dd", line[1]));
    });
    details.appendChild(list);
    var actions = el("div");
    actions.className = "actions";
    if (node.expand) {
      actions.appendChild(action(words.expand, "expand", function () { expand(node.id); }));
    } else if (hasBase && node.nodeLabel !== "Aggregate") {
      actions.appendChild(action(words.neighbours, "neighbours", function () { expand(node.id); }));
    }
    actions.appendChild(action(words.hide, "hide", function () { hide(node.id); }));
    var pinned = view.p.indexOf(node.id) >= 0;
    actions.appendChild(action(pinned ? words.unpin : words.pin, "pin", function () { pin(node.id, !pinned); show(nodes.get(node.id)); }));
    details.appendChild(actions);
    if (hasBase && node.nodeLabel !== "Aggregate") {
      var links = el("div");
      links.className = "links";
      var path = encodeURIComponent(node.nodeLabel) + "/" + encodeURIComponent(node.uid);
      links.appendChild(link(words.open_page, base + "/nodes/" + path));
      links.appendChild(link(words.neighbourhood, base + "/maps/node/" + path));
      details.appendChild(links);
    }
    if (node.findings && node.findings.length) {
      details.appendChild(el("h2", words.appears));
      var appears = el("ul", null, { id: "appears" });
      node.findings.forEach(function (item) {
        var said = item[1] + "（" + item[2] + "）";
        var entry = el("li");
        entry.appendChild(hasBase ? link(said, base + "/queries/" + encodeURIComponent(item[0])) : el("span", said));
        appears.appendChild(entry);
      });
      details.appendChild(appears);
    }
    remember();
  }

  function hide(id) {
    if (view.h.indexOf(id) < 0) { view.h.push(id); }
    if (view.s === id) { view.s = null; details.textContent = ""; }
    applyFilters();
    remember();
  }

  function pin(id, on) {
    view.p = view.p.filter(function (other) { return other !== id; });
    if (on) { view.p.push(id); }
    nodes.update({ id: id, fixed: on, shapeProperties: { borderDashes: on ? [5, 3] : false } });
    remember();
  }

  // --- finding a node --------------------------------------------------------
  var search = document.getElementById("search");
  var matches = [];
  var matchAt = -1;

  function find(text) {
    var wanted = text.trim().toLowerCase();
    matches = !wanted ? [] : current.nodes.filter(function (node) {
      var shown = nodes.get(node.id);
      if (!shown || shown.hidden) { return false; }
      return node.uid.toLowerCase() === wanted || node.label.toLowerCase().indexOf(wanted) >= 0 ||
        node.details.slice(2, 5).some(function (line) { return line[1].toLowerCase().indexOf(wanted) >= 0; });
    }).map(function (node) { return node.id; });
    matchAt = -1;
  }

  function select(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: false });
    show(nodes.get(id));
  }

  function next() {
    var count = document.getElementById("search-count");
    if (!matches.length) { count.textContent = search.value.trim() ? "0" : ""; return; }
    matchAt = (matchAt + 1) % matches.length;
    select(matches[matchAt]);
    count.textContent = (matchAt + 1) + "/" + matches.length;
  }

  search.addEventListener("input", function () { find(search.value); });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); if (matchAt < 0) { find(search.value); } next(); }
  });

  // --- drawing ------------------------------------------------------------------
  function drawHeadings(ctx) {
    // The columns' names in a band along the top of the view, over what scrolls under it.
    var scale = network.getScale();
    if (!current.headings.length || scale < 0.4) { return; }
    var topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    var bottomRight = network.DOMtoCanvas({ x: container.clientWidth, y: 24 });
    ctx.save();
    ctx.fillStyle = "rgba(255, 255, 255, 0.92)";
    ctx.fillRect(topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y);
    ctx.font = "bold " + (13 / scale) + "px Noto Sans CJK SC, Microsoft YaHei, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#6B7280";
    var atX = {}; // a flowchart row starts under the powers: one heading for both
    current.headings.forEach(function (heading) {
      atX[heading.x] = atX[heading.x] ? atX[heading.x] + "／" + heading.text : heading.text;
    });
    Object.keys(atX).forEach(function (x) {
      ctx.fillText(atX[x], Number(x), (topLeft.y + bottomRight.y) / 2);
    });
    ctx.restore();
  }

  function whiteBackground(ctx) {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#FFFFFF";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  }

  function markDrawn() {
    // Drawn and still: what the tests wait for, and bench/maps.py times.
    window.lianfangMap.stillAt = performance.now();
    body.dataset.rendered = String(current.nodes.length);
    body.dataset.still = "1";
  }

  function prepare(node) {
    node.title = tooltip(node);
    return node;
  }

  function draw(data) {
    current = data;
    delete body.dataset.rendered;
    delete body.dataset.still;
    // The header first: the map's size, and so its starting view, depends on it.
    var notes = document.getElementById("notes");
    notes.textContent = "";
    data.notes.forEach(function (note) {
      var said = el("span", note);
      said.className = "notes";
      notes.appendChild(said);
    });
    document.getElementById("title").textContent = data.title;
    document.title = data.title;
    data.nodes.forEach(prepare);
    nodes = new vis.DataSet(data.nodes);
    edges = new vis.DataSet(data.edges);
    var options = data.options;
    options.interaction = Object.assign({}, options.interaction, { hover: true, tooltipDelay: 120 });
    options.edges = Object.assign({}, options.edges, {
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
      color: { color: "#B8B8B8", highlight: "#374151", hover: "#6B7280" }
    });
    network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    window.lianfangMap = { network: network, nodes: nodes, edges: edges, data: data };
    network.on("beforeDrawing", whiteBackground);
    network.on("afterDrawing", drawHeadings);
    network.on("click", function (event) {
      if (event.nodes.length) { show(nodes.get(event.nodes[0])); }
    });
    network.on("doubleClick", function (event) {
      var node = event.nodes.length && nodes.get(event.nodes[0]);
      if (node && (node.expand || (hasBase && node.nodeLabel !== "Aggregate"))) { expand(node.id); }
    });
    network.on("dragEnd", function (event) {
      event.nodes.forEach(function (id) { if (view.p.indexOf(id) >= 0) { pin(id, true); } });
    });
    listFindings();
    applyFilters();
    var restored = kept(); // before anything drawn rewrites the address
    if (data.findings.length || (data.proposed || []).length) { spotlight(-1); }
    if (data.layout === "layered") {
      network.once("afterDrawing", function () {
        startView();
        network.once("afterDrawing", function () {
          markDrawn();
          if (restored) { restore(restored); }
        });
        network.redraw();
      });
    } else {
      network.once("afterDrawing", function () { body.dataset.rendered = String(data.nodes.length); });
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: false });
        startView();
        network.once("afterDrawing", function () {
          markDrawn();
          if (restored) { restore(restored); }
        });
        network.redraw();
      });
    }
  }

  // --- expanding in place ----------------------------------------------------------
  function expansionUrl(node) {
    if (node.expand) { return node.expand; }
    var lang = current.lang ? "&lang=" + encodeURIComponent(current.lang) : "";
    return base + "/maps/node/" + encodeURIComponent(node.nodeLabel) + "/" +
      encodeURIComponent(node.uid) + "?depth=1&format=json" + lang;
  }

  function fetched(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
        return response.json();
      });
  }

  // Where the new nodes go: a group's map as a block to the right of the drawing,
  // level with the group; a node's neighbours in a ring around it.
  function placements(anchor, added, asBlock) {
    var at = anchor && nodes.get(anchor) ? network.getPositions([anchor])[anchor] : null;
    var placed = {};
    if (asBlock || !at) {
      var all = bounds(current.nodes.map(function (n) { return n.id; }));
      var origin = at ? { x: all.right + 260, y: at.y } : { x: all.left, y: all.bottom + 200 };
      var theirs = { left: Infinity, top: Infinity };
      added.forEach(function (node) {
        if (node.x !== undefined) { theirs.left = Math.min(theirs.left, node.x); theirs.top = Math.min(theirs.top, node.y); }
      });
      added.forEach(function (node, index) {
        placed[node.id] = node.x === undefined ?
          { x: origin.x + 200 * (index % 5), y: origin.y + 80 * Math.floor(index / 5) } :
          { x: node.x - theirs.left + origin.x, y: node.y - theirs.top + origin.y };
      });
      return placed;
    }
    var radius = Math.max(200, added.length * 34 / (2 * Math.PI));
    added.forEach(function (node, index) {
      var angle = (2 * Math.PI * index) / added.length - Math.PI / 2;
      placed[node.id] = { x: at.x + radius * Math.cos(angle), y: at.y + radius * Math.sin(angle) };
    });
    return placed;
  }

  function merge(anchor, data, asBlock) {
    var known = {};
    current.nodes.forEach(function (node) { known[node.id] = true; });
    var added = data.nodes.filter(function (node) { return !known[node.id]; });
    var where = placements(anchor, added, asBlock);
    added.forEach(function (node) {
      prepare(node);
      node.x = where[node.id].x;
      node.y = where[node.id].y;
    });
    var knownEdges = {};
    current.edges.forEach(function (edge) { knownEdges[edge.id] = true; });
    var newEdges = data.edges.filter(function (edge) { return !knownEdges[edge.id]; });
    var before = nodes.get(anchor);
    var replaced = data.nodes.filter(function (node) { return node.id === anchor; })[0];
    var step = { anchor: anchor, nodes: added.map(function (n) { return n.id; }),
                 edges: newEdges.map(function (e) { return e.id; }),
                 findings: current.findings.length, was: null };
    if (replaced && asBlock) {
      // the group becomes the record it stood for, where it stands
      step.was = current.nodes.filter(function (n) { return n.id === anchor; })[0];
      var kept = prepare(Object.assign({}, replaced, { x: before.x, y: before.y }));
      kept.expand = null;
      current.nodes = current.nodes.map(function (n) { return n.id === anchor ? kept : n; });
      nodes.update(kept);
    }
    current.nodes = current.nodes.concat(added);
    current.edges = current.edges.concat(newEdges);
    var seen = {};
    current.findings.forEach(function (f) { seen[f.title + "|" + f.nodes.join(",")] = true; });
    var newFindings = (data.findings || []).filter(function (f) { return !seen[f.title + "|" + f.nodes.join(",")]; });
    current.findings = current.findings.concat(newFindings);
    current.proposed = (current.proposed || []).concat(data.proposed || []);
    addCategories(data.categories || []);
    nodes.add(added);
    edges.add(newEdges);
    undo.push(step);
    document.getElementById("undo").hidden = false;
    listFindings();
    applyFilters();
    return { added: added, findings: newFindings };
  }

  function addCategories(found) {
    var box = document.getElementById("categories");
    if (!box) { return; }
    found.forEach(function (category) {
      if (box.querySelector('input[data-category="' + CSS.escape(category) + '"]')) { return; }
      var label = el("label");
      var input = el("input", null, { type: "checkbox", "data-category": category });
      input.checked = true;
      input.addEventListener("change", filtersChanged);
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + category));
      box.appendChild(label);
    });
  }

  function expand(id) {
    var node = nodes.get(id);
    if (!node) { return Promise.resolve(); }
    var asBlock = Boolean(node.expand);
    var started = performance.now();
    return fetched(expansionUrl(node)).then(function (data) {
      var made = merge(id, data, asBlock);
      view.x.push(id);
      if (made.findings.length) {
        spotlight(-1);
        fitTo(flatten(made.findings.map(function (f) { return f.nodes; })));
      } else {
        paint({}, {}, true);
        if (!current.findings.length) { view.f = -1; }
        if (made.added.length) { fitTo(made.added.map(function (n) { return n.id; }).concat([id])); }
        else { spotlight(view.f); }
      }
      network.selectNodes([id]);
      show(nodes.get(id));
      var said = document.getElementById("search-count");
      said.textContent = made.added.length ? say("added", made.added.length) : words.nothing_added;
      network.once("afterDrawing", function () {
        window.lianfangMap.expandedIn = performance.now() - started;
        body.dataset.expanded = String(view.x.length);
      });
      network.redraw();
      remember();
    }).catch(function (error) {
      details.textContent = "";
      details.appendChild(el("p", words.failed + error.message));
    });
  }

  function flatten(lists) { return [].concat.apply([], lists); }

  function takeBack() {
    var step = undo.pop();
    if (!step) { return; }
    nodes.remove(step.nodes);
    edges.remove(step.edges);
    var gone = {};
    step.nodes.forEach(function (id) { gone[id] = true; });
    var goneEdges = {};
    step.edges.forEach(function (id) { goneEdges[id] = true; });
    current.nodes = current.nodes.filter(function (n) { return !gone[n.id]; });
    current.edges = current.edges.filter(function (e) { return !goneEdges[e.id]; });
    if (step.was) {
      current.nodes = current.nodes.map(function (n) { return n.id === step.anchor ? step.was : n; });
      nodes.update(step.was);
    }
    current.findings = current.findings.slice(0, step.findings);
    current.proposed = (current.proposed || []).filter(function (id) { return !goneEdges[id]; });
    view.x.pop();
    document.getElementById("undo").hidden = !undo.length;
    listFindings();
    applyFilters();
    spotlight(Math.min(view.f, current.findings.length - 1));
  }

  // --- the path finder ---------------------------------------------------------------
  var pathFrom = document.getElementById("path-from");
  var pathTo = document.getElementById("path-to");
  var choices = {}; // the text a suggestion fills in → what it stands for

  function choiceText(name, label, unit) {
    return name + "（" + [label, unit].filter(Boolean).join("，") + "）";
  }

  function suggest(input, listId) {
    var list = document.getElementById(listId);
    var wanted = input.value.trim().toLowerCase();
    var options = [];
    if (wanted) {
      current.nodes.forEach(function (node) {
        if (node.nodeLabel === "Aggregate" || options.length >= 30) { return; }
        var name = nameOf(node);
        if (name.toLowerCase().indexOf(wanted) < 0 && node.uid.toLowerCase() !== wanted) { return; }
        var text = choiceText(name, node.details[0][1], node.label.split("\n")[1] || "");
        choices[text] = { id: node.id, label: node.nodeLabel, uid: node.uid };
        options.push(text);
      });
    }
    var draw = function (texts) {
      list.replaceChildren.apply(list, texts.map(function (text) { return el("option", null, { value: text }); }));
    };
    draw(options);
    var label = input === pathFrom ? "Person" : "Power";
    if (!hasBase || !wanted) { return; }
    var params = new URLSearchParams({ q: input.value.trim(), limit: "15", label: label });
    fetched(base + "/api/search?" + params).then(function (hits) {
      if (input.value.trim().toLowerCase() !== wanted) { return; }
      hits.forEach(function (hit) {
        var id = hit.label + ":" + hit.uid;
        var text = choiceText(hit.name || hit.uid, label === "Person" ? (current.lang === "en" ? "person" : "人员") : (current.lang === "en" ? "power" : "职权"), hit.unit || "");
        if (!choices[text]) { choices[text] = { id: id, label: hit.label, uid: hit.uid }; }
        if (options.indexOf(text) < 0) { options.push(text); }
      });
      draw(options);
    }).catch(function () { /* suggestions are a help, not a requirement */ });
  }

  function chosen(input) {
    var text = input.value.trim();
    if (choices[text]) { return choices[text]; }
    var node = current.nodes.filter(function (n) { return n.uid === text || n.id === text || nameOf(n) === text; })[0];
    return node ? { id: node.id, label: node.nodeLabel, uid: node.uid } : null;
  }

  // All shortest routes between two nodes over what is drawn (either direction).
  function shortestOnCanvas(a, b) {
    var near = {};
    current.edges.forEach(function (edge) {
      (near[edge.from] = near[edge.from] || []).push(edge.to);
      (near[edge.to] = near[edge.to] || []).push(edge.from);
    });
    function distances(start) {
      var far = {};
      far[start] = 0;
      var queue = [start];
      while (queue.length) {
        var at = queue.shift();
        (near[at] || []).forEach(function (other) {
          if (far[other] === undefined) { far[other] = far[at] + 1; queue.push(other); }
        });
      }
      return far;
    }
    var fromA = distances(a);
    if (fromA[b] === undefined || a === b) { return null; }
    var fromB = distances(b);
    var onRoute = {};
    Object.keys(fromA).forEach(function (id) {
      if (fromB[id] !== undefined && fromA[id] + fromB[id] === fromA[b]) { onRoute[id] = true; }
    });
    var routeEdges = current.edges.filter(function (edge) {
      return onRoute[edge.from] && onRoute[edge.to] && Math.abs(fromA[edge.from] - fromA[edge.to]) === 1;
    }).map(function (edge) { return edge.id; });
    return { nodes: Object.keys(onRoute), edges: routeEdges };
  }

  // How many routes the lit edges make from one end to the other.
  function routeCount(route, a, b) {
    var next = {};
    route.edges.forEach(function (id) {
      var edge = edges.get(id);
      if (!edge) { return; }
      (next[edge.from] = next[edge.from] || []).push(edge.to);
      (next[edge.to] = next[edge.to] || []).push(edge.from);
    });
    var count = 0;
    var seen = {};
    (function walk(at) {
      if (count > 999) { return; }
      if (at === b) { count += 1; return; }
      seen[at] = true;
      (next[at] || []).forEach(function (other) { if (!seen[other]) { walk(other); } });
      seen[at] = false;
    })(a);
    return count;
  }

  function light(route) {
    lit = route;
    var brightNodes = {};
    var brightEdges = {};
    route.nodes.forEach(function (id) { brightNodes[id] = true; });
    route.edges.forEach(function (id) { brightEdges[id] = true; });
    paint(brightNodes, brightEdges, false);
    document.querySelectorAll("#findings-list button").forEach(function (button) {
      button.setAttribute("aria-pressed", "false");
    });
    fitTo(route.nodes);
  }

  // A person's routes to a power, as the server's path map draws them, added to the
  // canvas where missing (the records need not be on the map yet).
  function serverRoutes(a, b) {
    var params = new URLSearchParams({ from: a.uid, to: b.uid, format: "json" });
    if (current.lang) { params.set("lang", current.lang); }
    return fetched(base + "/maps/path?" + params).then(function (data) {
      if (!data.edges.length) { return null; }
      var anchor = nodes.get(a.id) ? a.id : nodes.get(b.id) ? b.id : null;
      var missing = data.nodes.some(function (n) { return !nodes.get(n.id); }) ||
        data.edges.some(function (e) { return !edges.get(e.id); });
      if (missing) { merge(anchor, { nodes: data.nodes, edges: data.edges, findings: [] }, false); }
      return { nodes: data.focus, edges: data.edges.map(function (edge) { return edge.id; }) };
    });
  }

  function findPath(event) {
    if (event) { event.preventDefault(); }
    var said = document.getElementById("path-said");
    var a = chosen(pathFrom);
    var b = chosen(pathTo);
    if (!a || !b) { said.textContent = words.path_pick; return Promise.resolve(); }
    view.r = [a, b];
    var asked = hasBase && a.label === "Person" && b.label === "Power" ?
      serverRoutes(a, b) : Promise.resolve(shortestOnCanvas(a.id, b.id));
    return asked.then(function (route) {
      if (!route) {
        said.textContent = words.no_route;
        lit = null;
        spotlight(view.f);
      } else {
        said.textContent = say("routes", routeCount(route, a.id, b.id));
        light(route);
      }
      body.dataset.path = route ? "1" : "0";
      remember();
    }).catch(function (error) { said.textContent = words.failed + error.message; });
  }

  pathFrom.addEventListener("input", function () { suggest(pathFrom, "path-from-list"); });
  pathTo.addEventListener("input", function () { suggest(pathTo, "path-to-list"); });
  document.getElementById("path-finder").addEventListener("submit", findPath);
  document.getElementById("path-clear").addEventListener("click", function () {
    pathFrom.value = "";
    pathTo.value = "";
    document.getElementById("path-said").textContent = "";
    view.r = null;
    lit = null;
    spotlight(current.findings.length ? view.f : -1);
  });

  // --- restoring a kept view -------------------------------------------------------
  function restore(state) {
    (state.off || []).forEach(function (entry) {
      var at = entry.indexOf(":");
      var kind = entry.slice(0, at);
      var box = document.querySelector("aside input[data-" + kind + '="' + CSS.escape(entry.slice(at + 1)) + '"]');
      if (box) { box.checked = false; }
    });
    document.getElementById("open-only").checked = Boolean(state.o);
    view.h = state.h || [];
    var chain = Promise.resolve();
    (state.x || []).forEach(function (id) { chain = chain.then(function () { return expand(id); }); });
    return chain.then(function () {
      applyFilters();
      (state.p || []).forEach(function (id) { if (nodes.get(id)) { pin(id, true); } });
      if (typeof state.f === "number" && state.f >= 0 && current.findings[state.f]) { spotlight(state.f); }
      if (state.r) {
        document.getElementById("panel-path").open = true;
        pathFrom.value = state.r[0].uid;
        pathTo.value = state.r[1].uid;
        choices[pathFrom.value] = state.r[0];
        choices[pathTo.value] = state.r[1];
        return findPath();
      }
      return null;
    }).then(function () {
      if (state.s && nodes.get(state.s)) { select(state.s); }
      body.dataset.restored = "1";
      remember();
    });
  }

  // --- controls --------------------------------------------------------------------
  function filtersChanged() {
    applyFilters();
    matches = [];
    matchAt = -1;
    fitTo(null);
    remember();
  }

  document.querySelectorAll("#levels input, #categories input, #kinds input").forEach(function (box) {
    box.addEventListener("change", filtersChanged);
  });
  document.getElementById("fit").addEventListener("click", function () { fitTo(litFindingIds()); });
  document.getElementById("undo").addEventListener("click", function () { takeBack(); remember(); });
  document.getElementById("unhide").addEventListener("click", function () {
    view.h = [];
    applyFilters();
    remember();
  });
  document.getElementById("share").addEventListener("click", function () {
    var button = this;
    var done = function () { button.textContent = words.copied; setTimeout(function () { button.textContent = words.link; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(window.location.href).then(done, function () { window.prompt(words.link, window.location.href); });
    } else {
      window.prompt(words.link, window.location.href);
    }
  });
  document.getElementById("png").addEventListener("click", function () {
    var canvas = container.querySelector("canvas");
    var save = el("a", null, { href: canvas.toDataURL("image/png"), download: "lianfang-map.png" });
    document.body.appendChild(save);
    save.click();
    save.remove();
  });
  var switcher = document.getElementById("layout-switch");
  if (switcher) {
    var address = new URL(window.location.href);
    var force = address.searchParams.get("layout") === "force";
    if (force) { address.searchParams.delete("layout"); } else { address.searchParams.set("layout", "force"); }
    switcher.href = address.pathname + address.search;
    switcher.textContent = force ? words.layered : words.force;
  }

  draw(JSON.parse(document.getElementById("map-data").textContent));
})();
