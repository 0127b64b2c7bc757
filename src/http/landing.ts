/** A plain landing page until the web app (web/) is built: where to look next. */
export function landingPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>接诉 jiesu · 12345 热线工单系统</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, 'Noto Sans CJK SC', sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.6">
<h1>接诉 jiesu</h1>
<p>12345 政务服务便民热线工单系统已启动。</p>
<ul>
<li><a href="/api/openapi.json">接口文档 (OpenAPI 3.1)</a></li>
<li><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></li>
</ul>
<p>演示账号见 README。</p>
</body></html>`;
}
