// The monitoring index: a small HTML page linking the endpoints natsts serves.

import { COMPAT_VERSION, NATSTS_VERSION } from "../version.js";

const LINKS: ReadonlyArray<readonly [string, string]> = [
  ["varz", "General"],
  ["jsz", "JetStream"],
  ["connz", "Connections"],
  ["subsz", "Subscriptions"],
  ["routez", "Routes"],
  ["gatewayz", "Gateways"],
  ["leafz", "Leaf Nodes"],
  ["healthz", "Health Probe"],
  ["metrics", "Prometheus Metrics"],
];

/**
 * The page sits at the base path itself ("/" or e.g. "/a/mon", no trailing slash), so relative links go
 * through the base path's last segment: they keep working behind a proxy that rewrites the prefix.
 */
export function indexPage(base: string): string {
  const last = base.slice(base.lastIndexOf("/") + 1);
  const prefix = last === "" ? "." : `./${last}`;
  const items = LINKS.map(([path, title]) => `    <li><a href="${prefix}/${path}">${title}</a> <code>/${path}</code></li>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>natsts monitoring</title>
    <style>
      body { font-family: system-ui, sans-serif; margin: 2rem; }
      li { margin: 0.3rem 0; }
      code { color: #888; }
    </style>
  </head>
  <body>
    <h1>natsts</h1>
    <p>natsts v${NATSTS_VERSION} (nats-server v${COMPAT_VERSION} compatible)</p>
    <ul>
${items}
    </ul>
  </body>
</html>
`;
}
