/**
 * /api/v1/docs: a small self-contained page that renders the OpenAPI document — no CDN, no build
 * step (Vigil runs where the network may be closed). It lists operations by tag with who may call
 * them, their parameters, and their request and response schemas.
 */
export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigil API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #fafafa; }
  header { padding: 1rem 2rem; background: #14213d; color: #fff; }
  header a { color: #fca311; }
  main { max-width: 60rem; margin: 0 auto; padding: 1rem 2rem 4rem; }
  h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; text-transform: capitalize; }
  details { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: .5rem 0; }
  summary { cursor: pointer; padding: .5rem .75rem; list-style: none; display: flex; gap: .75rem; align-items: baseline; }
  summary:focus-visible { outline: 3px solid #fca311; }
  .m { font: bold 12px monospace; padding: .15rem .4rem; border-radius: 4px; color: #fff; min-width: 3.5rem; text-align: center; }
  .get { background: #1d6fb8; } .post { background: #20803c; } .put, .patch { background: #8a5a00; } .delete { background: #b3261e; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
  .body { padding: 0 1rem 1rem; }
  pre { background: #f3f4f6; padding: .75rem; overflow: auto; max-height: 24rem; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
  .roles { color: #555; font-size: 13px; }
</style>
</head>
<body>
<header><h1>Vigil API</h1><p>Generated from <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p></header>
<main id="main"><p>Loading…</p></main>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const json = (v) => '<pre>' + esc(JSON.stringify(v, null, 2)) + '</pre>';
fetch('openapi.json').then((r) => r.json()).then((doc) => {
  const byTag = new Map();
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const t = (op.tags || ['other'])[0];
    if (!byTag.has(t)) byTag.set(t, []);
    byTag.get(t).push({ path, method, op });
  }
  let html = '<p>' + esc(doc.info.description) + '</p>';
  for (const [t, ops] of byTag) {
    html += '<h2>' + esc(t) + '</h2>';
    for (const { path, method, op } of ops) {
      const params = (op.parameters || []).map((p) => '<tr><td><code>' + esc(p.name) + '</code></td><td>' + esc(p.in) + (p.required ? ', required' : '') + '</td><td>' + esc(p.description) + '</td><td><code>' + esc(JSON.stringify(p.schema)) + '</code></td></tr>').join('');
      const body = op.requestBody ? Object.entries(op.requestBody.content).map(([type, c]) => '<h4>Request body (' + esc(type) + ')</h4>' + json(c.schema)).join('') : '';
      const res = Object.entries(op.responses).filter(([s]) => s !== 'default').map(([s, r]) => '<h4>Response ' + esc(s) + '</h4>' + Object.entries(r.content || {}).map(([type, c]) => '<p>' + esc(type) + '</p>' + json(c.schema)).join('')).join('');
      html += '<details id="' + esc(op.operationId) + '"><summary><span class="m ' + esc(method) + '">' + esc(method.toUpperCase()) + '</span><code>' + esc(path) + '</code><span>' + esc(op.summary) + '</span></summary><div class="body">'
        + '<p>' + esc(op.description).replace(/\\n/g, '<br>') + '</p><p class="roles">Roles: ' + esc((op['x-vigil-roles'] || []).join(', ')) + '</p>'
        + (params ? '<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>about</th><th>schema</th></tr>' + params + '</table>' : '') + body + res + '</div></details>';
    }
  }
  document.getElementById('main').innerHTML = html;
}).catch((e) => { document.getElementById('main').textContent = 'Could not load openapi.json: ' + e.message; });
</script>
</body>
</html>
`;
