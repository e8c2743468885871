// archivist site: the static search page's one script. It asks the Pagefind index in ./pagefind/ (served from
// this site, no other) and shows the results as the server's search page does. Without JavaScript the page
// keeps its form and its links to browse; nothing else on the site runs a script.
const form = document.querySelector("form[role=search]");
const box = document.getElementById("search-results");
const fallback = document.getElementById("search-fallback");
const root = new URL("./", import.meta.url);
const params = new URLSearchParams(location.search);
const query = (params.get("q") || "").trim().split(/\s+/).join(" ").slice(0, 200);
const chosen = { subject: params.get("subject") || "", language: params.get("language") || "" };
const size = Number(box.dataset.pageSize) || 50;
const number = Math.max(1, Number.parseInt(params.get("page") || "1", 10) || 1);

function element(name, text, attributes = {}) {
  const made = document.createElement(name);
  if (text !== undefined) made.textContent = text;
  for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, value);
  return made;
}

// A link to this page with the query and the given filters (the query string the form itself sends).
function here(changed) {
  const given = { q: query, ...chosen, page: 1, ...changed };
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(given)) {
    if (value && !(key === "page" && value === 1)) out.set(key, value);
  }
  return "?" + out.toString();
}

// Pagefind's excerpt is HTML with <mark> around the words found: keep only its text and those marks.
function excerpt(html) {
  const paragraph = element("p");
  const parsed = new DOMParser().parseFromString(html, "text/html");
  for (const node of parsed.body.childNodes) {
    paragraph.append(node.nodeName === "MARK" ? element("mark", node.textContent) : node.textContent);
  }
  return paragraph;
}

function facetList(heading, kind, counts) {
  const values = Object.entries(counts || {}).filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (!values.length) return [];
  const list = element("ul", undefined, { class: "facets" });
  for (const [value, count] of values) {
    const item = element("li");
    const link = element("a", undefined, { href: here({ [kind]: value }) });
    link.append(element("bdi", value));
    item.append(link, " ", element("span", `(${count})`, { class: "count" }));
    list.append(item);
  }
  return [element("h3", heading), list];
}

function pager(total) {
  const count = Math.max(1, Math.ceil(total / size));
  if (count < 2) return [];
  const nav = element("nav", undefined, { class: "pager", "aria-label": "Pages of results" });
  const list = element("ul");
  const add = (label, page, attributes = {}) => {
    const item = element("li");
    item.append(element("a", label, { href: here({ page }), ...attributes }));
    list.append(item);
  };
  if (number > 1) add("Previous", number - 1, { rel: "prev" });
  for (let page = 1; page <= count; page++) {
    if (page === 1 || page === count || Math.abs(page - number) <= 3) {
      add(String(page), page, page === number ? { "aria-current": "page" } : {});
    }
  }
  if (number < count) add("Next", number + 1, { rel: "next" });
  nav.append(list);
  return [nav];
}

async function run() {
  form.querySelector("input[name=q]").value = query;
  for (const [kind, value] of Object.entries(chosen)) {
    if (value) form.append(element("input", undefined, { type: "hidden", name: kind, value }));
  }
  if (!query) return;
  const pagefind = await import(new URL("pagefind/pagefind.js", root).href);
  await pagefind.options({ baseUrl: root.pathname }); // result URLs start where the site is published
  const filters = Object.fromEntries(Object.entries(chosen).filter(([, value]) => value));
  await pagefind.filters(); // loads the filters, so that the search counts its results by subject and language
  const found = await pagefind.search(query, { filters });
  const shown = await Promise.all(found.results.slice((number - 1) * size, number * size).map((r) => r.data()));
  const labels = Object.entries(chosen).filter(([, value]) => value)
    .map(([kind, value]) => `${kind === "subject" ? "Subject" : "Language"}: ${value}`);
  const status = element("p", undefined, { role: "status" });
  status.append(`${found.results.length} record${found.results.length === 1 ? "" : "s"} found`);
  if (labels.length) {
    status.append(` (${labels.join(", ")}; `, element("a", "search all", { href: here({ subject: "", language: "" }) }), ")");
  }
  status.append(".");
  const parts = [status];
  const refine = [...facetList("By subject", "subject", found.filters.subject),
    ...facetList("By language", "language", found.filters.language)];
  if (found.results.length && refine.length) {
    const section = element("section", undefined, { "aria-labelledby": "refine-heading" });
    section.append(element("h2", "Narrow the results", { id: "refine-heading" }), ...refine);
    parts.push(section);
  }
  if (shown.length) {
    const section = element("section", undefined, { "aria-labelledby": "results-heading" });
    const list = element("ol", undefined, { class: "items", start: String((number - 1) * size + 1) });
    for (const result of shown) {
      const item = element("li");
      const language = (result.meta.language || "").split(/\s/)[0];
      const link = element("a", result.meta.title || result.url,
        { href: result.url, dir: "auto" });
      if (language) link.setAttribute("lang", language);
      item.append(link, excerpt(result.excerpt));
      list.append(item);
    }
    section.append(element("h2", "Results", { id: "results-heading" }), list, ...pager(found.results.length));
    parts.push(section);
  }
  box.replaceChildren(...parts);
}

run().then(() => {
  fallback.hidden = true;
  box.hidden = false;
}, (error) => {
  box.replaceChildren(element("p", `The search could not run here (${error.message}): browse instead.`,
    { role: "status" }));
  box.hidden = false;
});
