// Draws an explanation subgraph (networkx node-link JSON with a "paths" list) as SVG.
//
// The layout is layered, left to right: the user, the movies the user rated, the people and
// genres those movies share with the recommendation, and the recommended movie. Within a
// layer, nodes come in the order in which the strongest paths first reach them, which keeps
// most edges from crossing. An edge that skips a layer, such as rated movie -SIMILAR->
// recommended movie, gets an empty slot (a lane) in each layer it crosses, so it never runs
// behind a node, and its label sits in that lane.

import { element } from "./dom.js";
import { formatNumber } from "./movies.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const NODE_WIDTH = 190;
const NODE_HEIGHT = 30;
const COLUMN_GAP = 130; // room for the edge labels between two layers
const ROW_GAP = 16;
const MARGIN = 12;
const LABEL_CHARACTERS = 26; // longer labels are cut, and the full one is in the node's tooltip

let drawingCount = 0;

/** Return the layer of a node: 0 user, 1 rated movie, 2 person or genre, 3 recommended movie. */
export function layerOf(node) {
  if (node.kind === "user") return 0;
  if (node.kind === "movie") return node.role === "recommended" ? 3 : 1;
  return 2;
}

/** Return the paths, strongest first. */
export function sortedPaths(graph) {
  return [...(graph.paths ?? [])].sort((a, b) => b.contribution - a.contribution);
}

function edgeKey(edge) {
  return `${edge.source}>${edge.target}`;
}

/**
 * Place every node and lane.
 *
 * Returns {positions, lanes, width, height}: positions maps a node id to {x, y, column}, and
 * lanes maps an edge key ("source>target") to the slots of the layers it crosses, in order
 * from its source. Empty layers take no room.
 */
export function layoutGraph(graph) {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const edges = new Map();
  for (const edge of graph.edges) {
    if (nodes.has(edge.source) && nodes.has(edge.target)) edges.set(edgeKey(edge), edge);
  }
  const layers = [[], [], [], []];
  const placed = new Set();
  const place = (slot, layer) => {
    if (!placed.has(slot)) {
      placed.add(slot);
      layers[layer].push(slot);
    }
  };
  const placeNode = (id) => {
    if (nodes.has(id)) place(id, layerOf(nodes.get(id)));
  };
  const placeLanes = (edge) => {
    const from = layerOf(nodes.get(edge.source));
    const to = layerOf(nodes.get(edge.target));
    for (let layer = Math.min(from, to) + 1; layer < Math.max(from, to); layer += 1) {
      place(`${edgeKey(edge)}@${layer}`, layer);
    }
  };

  for (const path of sortedPaths(graph)) {
    path.nodes.forEach((id, index) => {
      if (index > 0) {
        const previous = path.nodes[index - 1];
        const edge = edges.get(`${previous}>${id}`) ?? edges.get(`${id}>${previous}`);
        if (edge) placeLanes(edge);
      }
      placeNode(id);
    });
  }
  for (const edge of edges.values()) placeLanes(edge);
  for (const node of graph.nodes) placeNode(node.id);

  const columns = layers.filter((layer) => layer.length > 0);
  const tallest = Math.max(1, ...columns.map((column) => column.length));
  const height = 2 * MARGIN + tallest * NODE_HEIGHT + (tallest - 1) * ROW_GAP;
  const width = 2 * MARGIN + columns.length * NODE_WIDTH + Math.max(0, columns.length - 1) * COLUMN_GAP;

  const slots = new Map();
  columns.forEach((column, index) => {
    const columnHeight = column.length * NODE_HEIGHT + (column.length - 1) * ROW_GAP;
    const top = (height - columnHeight) / 2;
    column.forEach((slot, row) => {
      slots.set(slot, { x: MARGIN + index * (NODE_WIDTH + COLUMN_GAP), y: top + row * (NODE_HEIGHT + ROW_GAP), column: index });
    });
  });

  const positions = new Map([...slots].filter(([slot]) => nodes.has(slot)));
  const lanes = new Map();
  for (const [key, edge] of edges) {
    const from = layerOf(nodes.get(edge.source));
    const to = layerOf(nodes.get(edge.target));
    const step = from < to ? 1 : -1;
    const crossed = [];
    for (let layer = from + step; layer !== to && from !== to; layer += step) crossed.push(slots.get(`${key}@${layer}`));
    lanes.set(key, crossed);
  }
  return { positions, lanes, width, height };
}

/** Return an edge's label: its relationship type, with the rating or weight it carries. */
export function edgeLabel(edge) {
  if (edge.type === "RATED" && typeof edge.rating === "number") return `RATED ${edge.rating}`;
  if (typeof edge.weight === "number") return `${edge.type} ${formatNumber(edge.weight)}`;
  return edge.type;
}

/** Describe one path in words, for example "User 1 —RATED 5→ Heat (1995) ←DIRECTED— Michael Mann". */
export function describePath(graph, path) {
  const labels = new Map(graph.nodes.map((node) => [node.id, node.label]));
  const edges = new Map(graph.edges.map((edge) => [`${edge.source}>${edge.target}`, edge]));
  let text = labels.get(path.nodes[0]) ?? path.nodes[0];
  for (let index = 1; index < path.nodes.length; index += 1) {
    const from = path.nodes[index - 1];
    const to = path.nodes[index];
    const forward = edges.get(`${from}>${to}`);
    const backward = edges.get(`${to}>${from}`);
    if (forward) text += ` —${edgeLabel(forward)}→ `;
    else if (backward) text += ` ←${edgeLabel(backward)}— `;
    else text += " → ";
    text += labels.get(to) ?? to;
  }
  return text;
}

/**
 * Draw the graph into `container` and list its paths in `pathList`.
 *
 * Hovering or focusing a path in the list highlights its nodes and edges in the drawing.
 */
export function drawExplanation(graph, container, pathList) {
  drawingCount += 1;
  const markerId = `arrow-${drawingCount}`;
  const { positions, lanes, width, height } = layoutGraph(graph);
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));

  const svg = svgElement("svg", {
    class: "explain-graph",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-labelledby": `explain-title-${drawingCount}`,
  });
  const title = svgElement("title", { id: `explain-title-${drawingCount}` });
  title.textContent =
    `Graph of ${graph.nodes.length} nodes and ${graph.edges.length} relationships ` +
    "from the user to the recommended movie; the list below the drawing describes each path.";
  svg.append(title, arrowMarker(markerId));

  const edgeLayer = svgElement("g", { class: "edges" });
  const nodeLayer = svgElement("g", { class: "nodes" });
  svg.append(edgeLayer, nodeLayer);

  for (const edge of graph.edges) {
    const from = positions.get(edge.source);
    const to = positions.get(edge.target);
    if (!from || !to) continue; // an edge to a node the response did not list
    edgeLayer.append(drawEdge(edge, from, to, lanes.get(edgeKey(edge)) ?? [], markerId));
  }
  for (const [id, position] of positions) nodeLayer.append(drawNode(nodes.get(id), position));

  container.replaceChildren(svg);
  listPaths(graph, svg, pathList);
  return svg;
}

function drawEdge(edge, from, to, lanes, markerId) {
  const group = svgElement("g", { class: `edge type-${edge.type.toLowerCase()}`, "data-key": edgeKey(edge) });
  const middle = NODE_HEIGHT / 2;
  let path;
  let label;
  if (from.column === to.column) {
    // Same layer: a loop out to the right of both nodes.
    const start = { x: from.x + NODE_WIDTH, y: from.y + middle };
    const end = { x: to.x + NODE_WIDTH, y: to.y + middle };
    const bulge = start.x + COLUMN_GAP / 2;
    path = `M ${start.x} ${start.y} C ${bulge} ${start.y}, ${bulge} ${end.y}, ${end.x} ${end.y}`;
    label = { x: start.x + COLUMN_GAP * 0.4, y: (start.y + end.y) / 2 - 4 };
  } else {
    // Ports on the facing sides of the source, of each lane and of the target, joined by curves
    // between layers and by straight lines across the lanes.
    const rightward = from.column < to.column;
    const leave = (slot) => ({ x: rightward ? slot.x + NODE_WIDTH : slot.x, y: slot.y + middle });
    const enter = (slot) => ({ x: rightward ? slot.x : slot.x + NODE_WIDTH, y: slot.y + middle });
    let point = leave(from);
    path = `M ${point.x} ${point.y}`;
    for (const lane of [...lanes, null]) {
      const next = enter(lane ?? to);
      const pull = (next.x - point.x) / 2;
      path += ` C ${point.x + pull} ${point.y}, ${next.x - pull} ${next.y}, ${next.x} ${next.y}`;
      if (lane) {
        point = leave(lane);
        path += ` L ${point.x} ${point.y}`;
      }
    }
    const start = leave(from);
    const end = enter(to);
    label = lanes.length
      ? { x: lanes[0].x + NODE_WIDTH / 2, y: lanes[0].y + middle - 4 }
      : { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 - 4 };
  }
  group.append(svgElement("path", { d: path, "marker-end": `url(#${markerId})` }));
  const text = svgElement("text", { ...label, "text-anchor": "middle" });
  text.textContent = edgeLabel(edge);
  group.append(text);
  return group;
}

function drawNode(node, position) {
  let kind = node.kind;
  if (kind === "movie") kind = node.role === "recommended" ? "recommended" : "rated";
  const group = svgElement("g", {
    class: `node ${kind}`,
    "data-id": node.id,
    transform: `translate(${position.x} ${position.y})`,
  });
  const tooltip = svgElement("title");
  tooltip.textContent = `${node.label} (${node.kind})`;
  const box = svgElement("rect", { width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6, ry: 6 });
  const text = svgElement("text", { x: NODE_WIDTH / 2, y: NODE_HEIGHT / 2, "text-anchor": "middle", "dominant-baseline": "central" });
  text.textContent = shorten(node.label, LABEL_CHARACTERS);
  group.append(tooltip, box, text);
  return group;
}

function listPaths(graph, svg, pathList) {
  const items = [];
  for (const path of sortedPaths(graph)) {
    const item = element("li", "path");
    item.tabIndex = 0;
    item.append(
      element("span", `path-strategy ${path.strategy}`, path.strategy),
      element("span", "path-contribution", `+${formatNumber(path.contribution)}`),
      element("span", "path-text", describePath(graph, path)),
    );
    const show = () => highlight(svg, path);
    item.addEventListener("mouseenter", show);
    item.addEventListener("focus", show);
    item.addEventListener("mouseleave", () => highlight(svg, null));
    item.addEventListener("blur", () => highlight(svg, null));
    items.push(item);
  }
  if (items.length === 0) {
    items.push(element("li", "note", `No path gives this movie a score under the ${graph.graph?.strategy ?? ""} strategy.`));
  }
  pathList.replaceChildren(...items);
}

function highlight(svg, path) {
  svg.classList.toggle("focused", path !== null);
  const members = new Set(path?.nodes ?? []);
  const links = new Set();
  for (let index = 1; index < (path?.nodes.length ?? 0); index += 1) {
    links.add(`${path.nodes[index - 1]}>${path.nodes[index]}`);
    links.add(`${path.nodes[index]}>${path.nodes[index - 1]}`);
  }
  for (const node of svg.querySelectorAll(".node")) node.classList.toggle("lit", members.has(node.dataset.id));
  for (const edge of svg.querySelectorAll(".edge")) edge.classList.toggle("lit", links.has(edge.dataset.key));
}

function arrowMarker(id) {
  const defs = svgElement("defs");
  const marker = svgElement("marker", {
    id,
    viewBox: "0 0 10 10",
    refX: 10,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
    class: "arrow",
  });
  marker.append(svgElement("path", { d: "M 0 0 L 10 5 L 0 10 z" }));
  defs.append(marker);
  return defs;
}

function svgElement(tag, attributes = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function shorten(text, limit) {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
