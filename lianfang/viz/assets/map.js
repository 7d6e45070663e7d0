// The power-risk map page: draws the map data the server laid out, and lets the
// analyst filter, find, read and export it. Register text is only ever set as text
// (textContent), never parsed as markup.
(function () {
  "use strict";
  var MIN_SCALE = 0.75; // below this the labels are too small to read
  var body = document.body;
  var hasBase = body.hasAttribute("data-base");
  var base = body.getAttribute("data-base") || "";
  var container = document.getElementById("map");
  var details = document.getElementById("details");
  var network = null;
  var nodes = null;
  var edges = null;
  var current = null; // the map data drawn now
  var behind = []; // the overviews left by expanding a group
  var chosenFinding = -1; // -1: every finding at once

  function el(tag, text, attrs) {
    var made = document.createElement(tag);
    if (text !== undefined && text !== null) { made.textContent = text; }
    Object.keys(attrs || {}).forEach(function (name) { made.setAttribute(name, attrs[name]); });
    return made;
  }

  function tooltip(node) {
    var tip = el("div", node.details.map(function (line) { return line[0] + ": " + line[1]; }).join("\n"));
    tip.className = "tip";
    return tip;
  }

  // --- filters -------------------------------------------------------------
  function checked(selector, attribute) {
    var on = {};
    document.querySelectorAll(selector).forEach(function (box) { on[box.getAttribute(attribute)] = box.checked; });
    return on;
  }

  function visible(node, wanted) {
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
  }

  // --- findings: each one's own nodes and edges bright, the rest dimmed -------
  function spotlight(index) {
    chosenFinding = index;
    var found = current.findings;
    if (!found.length) { return; }
    var chosen = index < 0 ? found : [found[index]];
    var brightNodes = {};
    var brightEdges = {};
    chosen.forEach(function (finding) {
      finding.nodes.forEach(function (id) { brightNodes[id] = true; });
      finding.edges.forEach(function (id) { brightEdges[id] = true; });
    });
    nodes.update(current.nodes.map(function (node) {
      return { id: node.id, opacity: brightNodes[node.id] ? 1 : 0.18 };
    }));
    edges.update(current.edges.map(function (edge) {
      var lit = brightEdges[edge.id];
      var colour = edge.color ? edge.color : lit ? "#374151" : "#B8B8B8";
      return { id: edge.id, width: lit ? Math.max(edge.width || 1, 2.5) : (edge.width || 1),
               color: { color: colour, opacity: lit ? 1 : 0.12 } };
    }));
    document.querySelectorAll("#findings-list button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.index) === index));
    });
    if (index >= 0) {
      network.fit({ nodes: found[index].nodes.filter(function (id) { return nodes.get(id); }), animation: false });
    }
  }

  function listFindings() {
    var list = document.getElementById("findings-list");
    list.textContent = "";
    document.getElementById("findings-box").hidden = !current.findings.length;
    document.getElementById("findings-count").textContent = String(current.findings.length);
    if (!current.findings.length) { return; }
    var entries = [{ title: "全部 All", index: -1 }].concat(current.findings.map(function (f, i) {
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

  function show(node) {
    details.textContent = "";
    var list = el("dl");
    node.details.forEach(function (line) {
      list.appendChild(el("dt", line[0]));
      list.appendChild(el("dd", line[1]));
    });
    details.appendChild(list);
    var links = el("div");
    links.className = "links";
    if (node.expand) {
      var open = el("a", "展开 Expand", { href: "#", id: "expand" });
      open.addEventListener("click", function (event) { event.preventDefault(); expand(node); });
      links.appendChild(open);
    }
    if (hasBase && node.nodeLabel !== "Aggregate") {
      var path = encodeURIComponent(node.nodeLabel) + "/" + encodeURIComponent(node.uid);
      links.appendChild(link("打开节点页面 Open its page", base + "/nodes/" + path));
      links.appendChild(link("邻域图 Its neighbourhood", base + "/maps/node/" + path));
    }
    details.appendChild(links);
    if (node.findings && node.findings.length) {
      details.appendChild(el("h2", "所在问题 Findings it appears in"));
      var appears = el("ul", null, { id: "appears" });
      node.findings.forEach(function (item) {
        var words = item[1] + " (" + item[2] + ")";
        var entry = el("li");
        entry.appendChild(hasBase ? link(words, base + "/queries/" + encodeURIComponent(item[0])) : el("span", words));
        appears.appendChild(entry);
      });
      details.appendChild(appears);
    }
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
      return node.uid.toLowerCase() === wanted || node.details.some(function (line) {
        return (line[0] === "name" || line[0] === "title" || line[0] === "description") &&
          line[1].toLowerCase().indexOf(wanted) >= 0;
      });
    }).map(function (node) { return node.id; });
    matchAt = -1;
  }

  function next() {
    var count = document.getElementById("search-count");
    if (!matches.length) { count.textContent = search.value.trim() ? "0" : ""; return; }
    matchAt = (matchAt + 1) % matches.length;
    var id = matches[matchAt];
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: false });
    show(nodes.get(id));
    count.textContent = (matchAt + 1) + "/" + matches.length;
  }

  search.addEventListener("input", function () { find(search.value); });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); if (matchAt < 0) { find(search.value); } next(); }
  });

  // --- the view ----------------------------------------------------------------
  function startView() {
    network.fit({ animation: false });
    if (current.layout !== "layered" || network.getScale() >= MIN_SCALE) { return; }
    // Too big to read whole: start at a readable scale on the top of the columns.
    var xs = [];
    var top = Infinity;
    current.nodes.forEach(function (node) { xs.push(node.x); top = Math.min(top, node.y); });
    var left = Math.min.apply(null, xs);
    var right = Math.max.apply(null, xs);
    var width = container.clientWidth / MIN_SCALE;
    var height = container.clientHeight / MIN_SCALE;
    var x = right - left + 200 < width ? (left + right) / 2 : left - 100 + width / 2;
    network.moveTo({ position: { x: x, y: top - 110 + height / 2 }, scale: MIN_SCALE, animation: false });
  }

  function drawHeadings(ctx) {
    var scale = network.getScale();
    if (!current.headings.length || scale < 0.4) { return; }
    var viewTop = network.DOMtoCanvas({ x: 0, y: 0 }).y + 18 / scale;
    ctx.save();
    ctx.font = "bold " + (13 / scale) + "px Noto Sans CJK SC, Microsoft YaHei, sans-serif";
    ctx.textAlign = "center";
    ctx.fillStyle = "#6B7280";
    current.headings.forEach(function (heading) {
      var y = heading.y < 0 ? Math.max(heading.y, viewTop) : heading.y;
      ctx.fillText(heading.text, heading.x, y);
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
    data.nodes.forEach(function (node) { node.title = tooltip(node); });
    nodes = new vis.DataSet(data.nodes);
    edges = new vis.DataSet(data.edges);
    var options = data.options;
    options.interaction = Object.assign({}, options.interaction, { hover: true, tooltipDelay: 120 });
    options.edges = Object.assign({}, options.edges, {
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
      color: { color: "#B8B8B8", highlight: "#374151", hover: "#6B7280" }
    });
    if (network) { network.destroy(); }
    network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    window.lianfangMap = { network: network, nodes: nodes, edges: edges, data: data };
    network.on("beforeDrawing", whiteBackground);
    network.on("afterDrawing", drawHeadings);
    network.on("click", function (event) {
      if (event.nodes.length) { show(nodes.get(event.nodes[0])); }
    });
    network.on("doubleClick", function (event) {
      var node = event.nodes.length && nodes.get(event.nodes[0]);
      if (node && node.expand) { expand(node); }
      else if (node && hasBase && node.nodeLabel !== "Aggregate") {
        window.location.href = base + "/maps/node/" + encodeURIComponent(node.nodeLabel) + "/" + encodeURIComponent(node.uid);
      }
    });
    if (data.layout === "layered") {
      network.once("afterDrawing", function () {
        startView();
        network.once("afterDrawing", markDrawn);
        network.redraw();
      });
    } else {
      network.once("afterDrawing", function () { body.dataset.rendered = String(data.nodes.length); });
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: false });
        network.fit({ animation: false });
        network.once("afterDrawing", markDrawn);
        network.redraw();
      });
    }
    details.textContent = "";
    listFindings();
    applyFilters();
    if (data.findings.length) { spotlight(-1); }
  }

  // --- overviews: a group expands in place, fetched from the server -------------
  function crumbs() {
    var holder = document.getElementById("crumbs");
    holder.textContent = "";
    if (!behind.length) { return; }
    var back = el("a", "← 返回 Back", { href: "#", id: "back" });
    back.addEventListener("click", function (event) {
      event.preventDefault();
      draw(behind.pop());
      crumbs();
    });
    holder.appendChild(back);
  }

  function expand(node) {
    fetch(node.expand, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
        return response.json();
      })
      .then(function (data) {
        behind.push(current);
        draw(data);
        crumbs();
      })
      .catch(function (error) {
        details.textContent = "";
        details.appendChild(el("p", "无法展开 Could not expand: " + error.message));
      });
  }

  // --- controls --------------------------------------------------------------------
  document.querySelectorAll("#levels input, #categories input, #kinds input").forEach(function (box) {
    box.addEventListener("change", function () {
      applyFilters();
      matches = [];
      matchAt = -1;
    });
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: false }); });
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
    switcher.textContent = force ? "分层布局 Layered" : "力导布局 Force";
  }

  draw(JSON.parse(document.getElementById("map-data").textContent));
})();
